using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Shoal.Deploy.Tests.Support;

namespace Shoal.Deploy.Tests.Docker;

// There is no Docker engine here; these read the Dockerfile the way `docker build` would use it.
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = RepoPaths.Read("Dockerfile");

    [Fact]
    public void It_builds_with_the_SDK_and_runs_on_the_chiseled_ASP_NET_runtime()
    {
        var stages = From().Matches(Dockerfile).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(2, stages.Count);
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", Arg("SDK_IMAGE"));
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:10\.0-[a-z]+-chiseled$", Arg("RUNTIME_IMAGE"));
        Assert.Equal(["${SDK_IMAGE} AS build", "${RUNTIME_IMAGE}"], stages);
    }

    [Fact]
    public void It_publishes_the_operator_as_the_task_says()
    {
        Assert.Contains("RUN dotnet publish src/Shoal.Operator -c Release -o /app", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_project_the_operator_builds_from_is_copied_in()
    {
        var projects = ProjectClosure(RepoPaths.Of("src", "Shoal.Operator", "Shoal.Operator.csproj"))
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p).Replace('\\', '/'))
            .ToList();

        Assert.All(projects, p =>
        {
            Assert.Contains($"COPY {p} {Path.GetDirectoryName(p)!.Replace('\\', '/')}/", Dockerfile, StringComparison.Ordinal);
            Assert.Contains($"COPY {Path.GetDirectoryName(p)!.Replace('\\', '/')}/ {Path.GetDirectoryName(p)!.Replace('\\', '/')}/", Dockerfile, StringComparison.Ordinal);
        });
        Assert.Equal(projects.Count, Regex.Count(Dockerfile, @"^COPY src/[^ ]+\.csproj ", RegexOptions.Multiline));
    }

    [Fact]
    public void The_entry_point_runs_the_operators_assembly_as_a_non_root_user()
    {
        var assembly = XDocument.Load(RepoPaths.Of("src", "Shoal.Operator", "Shoal.Operator.csproj")).Descendants("AssemblyName").Single().Value;

        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"/app/{assembly}.dll\"]", Dockerfile, StringComparison.Ordinal);
        Assert.NotEqual(0, RuntimeUser());
    }

    [Fact]
    public void Build_output_and_unrelated_folders_stay_out_of_the_build_context()
    {
        var ignored = RepoPaths.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);

        Assert.Superset(new HashSet<string>(["**/bin/", "**/obj/", ".git/", "tests/"], StringComparer.Ordinal), ignored);
        Assert.DoesNotContain("src/", ignored);
    }

    // The numeric USER of the final stage: the chart's runAsUser must be the same.
    internal static long RuntimeUser()
    {
        var user = UserLine().Matches(Dockerfile).Last().Groups[1].Value;
        return long.Parse(user, CultureInfo.InvariantCulture);
    }

    private static string Arg(string name) =>
        Regex.Match(Dockerfile, $@"^ARG {name}=(\S+)$", RegexOptions.Multiline).Groups[1].Value;

    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }
        }

        return seen.Order(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^FROM (.+)$", RegexOptions.Multiline)]
    private static partial Regex From();

    [GeneratedRegex(@"^USER ([0-9]+)$", RegexOptions.Multiline)]
    private static partial Regex UserLine();
}
