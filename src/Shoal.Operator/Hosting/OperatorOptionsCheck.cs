namespace Shoal.Operator.Hosting;

/// <summary>Everything that can be wrong with the settings, found before anything starts, with the fix.</summary>
internal static class OperatorOptionsCheck
{
    public static IReadOnlyList<string> Problems(OperatorOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(environment("AWS_REGION")) && string.IsNullOrWhiteSpace(environment("AWS_DEFAULT_REGION")))
        {
            problems.Add("no AWS region: set AWS_REGION (the chart's aws.region value) to the region of your queues and workers");
        }

        if (environment("AWS_ENDPOINT_URL") is { Length: > 0 } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            problems.Add($"AWS_ENDPOINT_URL \"{endpoint}\" is not an absolute http(s) URL such as http://127.0.0.1:5000; unset it to use AWS itself");
        }

        if (options.Kubeconfig is { Length: > 0 } path && !File.Exists(path))
        {
            problems.Add($"--kubeconfig {path}: no such file; point it at a kubeconfig, or leave it out to use the in-cluster ServiceAccount or ~/.kube/config");
        }

        if (string.IsNullOrWhiteSpace(options.OwnerId))
        {
            problems.Add("--owner-id must not be empty: it tags the instances this operator launches");
        }

        Positive(problems, "--workers", options.WorkersPerController);
        Positive(problems, "--status-interval", options.StatusIntervalSeconds);
        Positive(problems, "--scale-interval", options.ScaleIntervalSeconds);
        Positive(problems, "--gc-interval", options.GarbageCollectionIntervalSeconds);
        if (options.GarbageCollectionGraceSeconds < 60)
        {
            problems.Add($"--gc-grace must be at least 60 seconds (an instance needs time to get its Worker), got {options.GarbageCollectionGraceSeconds}");
        }

        return problems;
    }

    private static void Positive(List<string> problems, string name, int value)
    {
        if (value <= 0)
        {
            problems.Add($"{name} must be a positive number, got {value}");
        }
    }
}
