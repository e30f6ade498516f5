using Shoal.Operator.Crds;

namespace Shoal.Operator.Tests.Crds;

public sealed class CrdWriterTests : IDisposable
{
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("shoal-crds-");
    private readonly StringWriter output = new();
    private readonly StringWriter error = new();

    public void Dispose()
    {
        output.Dispose();
        error.Dispose();
        scratch.Delete(recursive: true);
    }

    [Fact]
    public void WritesEveryCrdIntoEachFolderGiven()
    {
        var code = CrdWriter.Run(["a", "nested/b"], scratch.FullName, output, error);

        Assert.Equal(0, code);
        Assert.Equal("", error.ToString());
        foreach (var folder in new[] { "a", "nested/b" })
        {
            foreach (var crd in CrdGenerator.GenerateAll())
                Assert.Equal(crd.Yaml, File.ReadAllText(Path.Combine(scratch.FullName, folder, crd.FileName)));
        }
    }

    [Fact]
    public void RemovesCrdsNoKindGeneratesAndLeavesOtherFilesAlone()
    {
        var folder = Directory.CreateDirectory(Path.Combine(scratch.FullName, "crd")).FullName;
        File.WriteAllText(Path.Combine(folder, "shoal.dev_oldkinds.yaml"), "stale");
        File.WriteAllText(Path.Combine(folder, "kustomization.yaml"), "resources: []\n");

        Assert.Equal(0, CrdWriter.Run([folder], scratch.FullName, output, error));

        Assert.False(File.Exists(Path.Combine(folder, "shoal.dev_oldkinds.yaml")));
        Assert.True(File.Exists(Path.Combine(folder, "kustomization.yaml")));
        Assert.Contains("removed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SecondRunReportsEveryFileUnchanged()
    {
        CrdWriter.Run(["crd"], scratch.FullName, output, error);
        output.GetStringBuilder().Clear();

        CrdWriter.Run(["crd"], scratch.FullName, output, error);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(CrdGenerator.GenerateAll().Count, lines.Length);
        Assert.All(lines, line => Assert.StartsWith("unchanged ", line, StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutFoldersWritesConfigCrdAndTheChartUnderTheSolutionRoot()
    {
        File.WriteAllText(Path.Combine(scratch.FullName, CrdWriter.SolutionFile), "");
        var below = Directory.CreateDirectory(Path.Combine(scratch.FullName, "src", "Shoal.Operator")).FullName;

        Assert.Equal(0, CrdWriter.Run([], below, output, error));

        foreach (var crd in CrdGenerator.GenerateAll())
        {
            Assert.True(File.Exists(Path.Combine(scratch.FullName, "config", "crd", crd.FileName)));
            Assert.True(File.Exists(Path.Combine(scratch.FullName, "charts", "shoal", "crds", crd.FileName)));
        }
    }

    [Fact]
    public void WithoutFoldersOutsideARepositoryExplainsWhatToDo()
    {
        var code = CrdWriter.Run([], scratch.FullName, output, error);

        Assert.Equal(2, code);
        Assert.Contains("no Operator.sln", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("generate-crds config/crd charts/shoal/crds", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.FullName));
    }
}
