namespace Shoal.Aws.Fleet;

public sealed record Ec2LaunchTemplate(string LaunchTemplateId, string LaunchTemplateName);
