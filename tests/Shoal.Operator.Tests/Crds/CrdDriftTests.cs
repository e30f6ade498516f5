using Shoal.Operator.Crds;

namespace Shoal.Operator.Tests.Crds;

// DESIGN §4: the CRD YAML is generated from the types; the checked-in copies must not drift from them.
public sealed class CrdDriftTests
{
    private const string Fix = "The C# types in src/Shoal.Api changed without regenerating the CRDs: run scripts/generate-crds.sh and commit the result.";

    public static TheoryData<string> Folders() => [.. CrdWriter.DefaultFolders];

    [Theory]
    [MemberData(nameof(Folders))]
    public void CheckedInCrdsAreExactlyTheGeneratedOnes(string folder)
    {
        var directory = Repository.PathOf(folder);
        var generated = CrdGenerator.GenerateAll();

        foreach (var crd in generated)
        {
            var path = Path.Combine(directory, crd.FileName);
            Assert.True(File.Exists(path), $"{folder}/{crd.FileName} is missing. {Fix}");
            var onDisk = File.ReadAllText(path).ReplaceLineEndings("\n");
            Assert.True(onDisk == crd.Yaml, $"{folder}/{crd.FileName} differs from what the types generate. {Fix}");
        }

        var extra = Directory.EnumerateFiles(directory, "*.yaml")
            .Select(Path.GetFileName)
            .Except(generated.Select(c => c.FileName))
            .ToList();
        Assert.True(extra.Count == 0, $"{folder} holds CRD files no type generates: {string.Join(", ", extra)}. {Fix}");
    }

    [Fact]
    public void TheThreeKindsAreGenerated()
    {
        Assert.Equal(
            ["shoal.dev_jobqueues.yaml", "shoal.dev_workerpools.yaml", "shoal.dev_workers.yaml"],
            CrdGenerator.GenerateAll().Select(c => c.FileName));
    }
}
