using Shoal.Aws.Tests.Moto;

namespace Shoal.Deploy.Tests.Support;

// What the AWS CLI (and apply.sh) need to talk to one moto and nothing else: no profile of the machine's.
internal static class MotoCli
{
    public const string Region = "us-east-1";

    public static IReadOnlyDictionary<string, string> Environment(MotoServer moto) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_DEFAULT_REGION"] = Region,
        ["AWS_REGION"] = Region,
        ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString().TrimEnd('/'),
        ["AWS_CONFIG_FILE"] = "/nonexistent/shoal-tests-aws-config",
        ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/shoal-tests-aws-credentials",
        ["PATH"] = string.Join(Path.PathSeparator, [System.Environment.GetEnvironmentVariable("PATH") ?? "", .. PythonToolDirectories()]),
    };

    // moto and the CLI come with the machine image under pyenv; .ci/run puts them on PATH.
    public static string[] PythonToolDirectories() =>
        [Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".pyenv", "shims"), "/root/.pyenv/shims"];
}
