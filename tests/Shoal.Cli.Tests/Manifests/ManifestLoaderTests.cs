using Shoal.Cli.Manifests;

namespace Shoal.Cli.Tests.Manifests;

public sealed class ManifestLoaderTests
{
    [Fact]
    public void MultiDocumentFileYieldsEveryShoalObjectAndSkipsForeignKindsWithAWarning()
    {
        var yaml = $"""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shoal-demo
            ---
            {Yaml.Queue}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              anything: goes
            ---
            {Yaml.Pool()}
            """;

        var set = ManifestLoader.Parse("all.yaml", yaml);

        Assert.Equal("demo", Assert.Single(set.JobQueues).Metadata.Name);
        Assert.Equal("demo-pool", Assert.Single(set.WorkerPools).Metadata.Name);
        Assert.Equal(2, set.Warnings.Count);
        Assert.StartsWith("all.yaml (document 1): skipped v1 Namespace \"shoal-demo\"", set.Warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("all.yaml (document 3): skipped v1 ConfigMap \"settings\"", set.Warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyDocumentsAreSkippedButStillCountedInDocumentNumbers()
    {
        var yaml = $"""
            ---
            {Yaml.Queue}
            ---
            ---
            {Yaml.Pool("  maxWorkers: -1")}
            ---
            """;

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Parse("pool.yaml", yaml));

        Assert.Equal(["pool.yaml (document 3): spec.maxWorkers must be an integer >= 0, got -1"], error.Problems);
    }

    [Fact]
    public void FolderReadsYamlAndYmlInNameOrderAndIgnoresOtherFiles()
    {
        using var folder = new ManifestFolder()
            .With("b-pool.yml", Yaml.Pool())
            .With("a-queue.yaml", Yaml.Queue)
            .With("README.md", "not: [valid yaml")
            .With("c-pool.yaml", Yaml.Pool(name: "second-pool"));

        var set = ManifestLoader.Load(folder.Path);

        Assert.Single(set.JobQueues);
        Assert.Equal(["demo-pool", "second-pool"], set.WorkerPools.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void SingleFilePathLoadsThatFileOnly()
    {
        using var folder = new ManifestFolder()
            .With("all.yaml", Yaml.Queue + "\n---\n" + Yaml.Pool())
            .With("other.yaml", Yaml.Pool(name: "other"));

        var set = ManifestLoader.Load(Path.Combine(folder.Path, "all.yaml"));

        Assert.Equal("demo-pool", Assert.Single(set.WorkerPools).Metadata.Name);
    }

    [Fact]
    public void MissingPathSaysWhatToPass()
    {
        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load("/no/such/shoal/folder"));

        Assert.Equal(
            "/no/such/shoal/folder: no such file or folder; pass a folder of JobQueue and WorkerPool manifests, such as config/samples/local",
            Assert.Single(error.Problems));
    }

    [Fact]
    public void FolderWithoutYamlIsAnError()
    {
        using var folder = new ManifestFolder().With("notes.txt", "hello");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load(folder.Path));

        Assert.EndsWith(": no *.yaml or *.yml files in this folder", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrorNamesFileAndLineAndSuppressesDanglingReferenceNoise()
    {
        using var folder = new ManifestFolder()
            .With("queue.yaml", Yaml.Queue + "\nspec:\n  retry: [1,\n")
            .With("pool.yaml", Yaml.Pool());

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load(folder.Path));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("queue.yaml: invalid YAML at line ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKeyIsASyntaxError()
    {
        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Parse("q.yaml", Yaml.QueueWithSpec("  retry: 1\n  retry: 2")));

        Assert.Contains("Duplicate key", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void DanglingJobQueueRefListsTheQueuesThatExist()
    {
        var yaml = Yaml.Queue + "\n---\n" + Yaml.Pool().Replace("name: demo\n", "name: dmeo\n", StringComparison.Ordinal);

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Parse("x.yaml", yaml));

        Assert.Equal(
            ["x.yaml (document 2): spec.jobQueueRef.name \"dmeo\" does not name a JobQueue in the same namespace (JobQueues here: demo)"],
            error.Problems);
    }

    [Fact]
    public void PoolWithoutAnyQueueSaysSo()
    {
        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Parse("pool.yaml", Yaml.Pool()));

        Assert.Equal(
            ["pool.yaml (document 1): spec.jobQueueRef.name \"demo\" does not name a JobQueue in the same namespace (there is no JobQueue in these manifests)"],
            error.Problems);
    }

    [Fact]
    public void ReferenceAcrossExplicitNamespacesDoesNotResolve()
    {
        var queue = Yaml.Queue + "\n  namespace: team-a";
        var pool = Yaml.Pool().Replace("name: demo-pool", "name: demo-pool\n  namespace: team-b", StringComparison.Ordinal);

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Parse("x.yaml", queue + "\n---\n" + pool));

        Assert.Contains("(JobQueues here: team-a/demo)", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ReferenceFromNamespacedPoolToUnnamespacedQueueResolves()
    {
        var pool = Yaml.Pool().Replace("name: demo-pool", "name: demo-pool\n  namespace: team-b", StringComparison.Ordinal);

        var set = ManifestLoader.Parse("x.yaml", Yaml.Queue + "\n---\n" + pool);

        Assert.Same(set.JobQueues[0], set.JobQueueFor(set.WorkerPools[0]));
    }

    [Fact]
    public void DuplicateNamesPointAtTheFirstDefinition()
    {
        using var folder = new ManifestFolder()
            .With("a.yaml", Yaml.Queue + "\n---\n" + Yaml.Pool())
            .With("b.yaml", Yaml.Queue + "\n---\n" + Yaml.Pool());

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Load(folder.Path));

        Assert.Equal(
            [
                "b.yaml (document 1): JobQueue \"demo\" is already defined in a.yaml (document 1); names must be unique per namespace",
                "b.yaml (document 2): WorkerPool \"demo-pool\" is already defined in a.yaml (document 2); names must be unique per namespace",
            ],
            error.Problems);
    }

    [Fact]
    public void SameNameInDifferentNamespacesIsAllowed()
    {
        var yaml = Yaml.Queue + "\n  namespace: a\n---\n" + Yaml.Queue + "\n  namespace: b";

        var set = ManifestLoader.Parse("q.yaml", yaml);

        Assert.Equal(["a", "b"], set.JobQueues.Select(q => q.Metadata.Namespace));
    }

    [Fact]
    public void WorkerDocumentsAreSkippedBecauseTheOperatorCreatesThem()
    {
        var yaml = Yaml.Queue + "\n---\napiVersion: shoal.dev/v1alpha1\nkind: Worker\nmetadata:\n  name: w-1\n";

        var set = ManifestLoader.Parse("x.yaml", yaml);

        Assert.Equal(["x.yaml (document 2): skipped Worker \"w-1\": Workers are created by their WorkerPool, not declared"], set.Warnings);
    }

    [Fact]
    public void ExportedObjectWithServerFieldsAndStatusLoadsWithAWarning()
    {
        var yaml = """
            apiVersion: shoal.dev/v1alpha1
            kind: JobQueue
            metadata:
              name: demo
              namespace: default
              uid: 5b1f1a8e-0000-4000-8000-000000000000
              resourceVersion: "42"
              generation: 3
              creationTimestamp: "2025-01-31T12:00:00Z"
              managedFields:
              - manager: kubectl
              finalizers:
              - shoal.dev/cleanup
            spec: {}
            status:
              workers: 3
            """;

        var set = ManifestLoader.Parse("export.yaml", yaml);

        var meta = Assert.Single(set.JobQueues).Metadata;
        Assert.Equal(3, meta.Generation);
        Assert.Equal("42", meta.ResourceVersion);
        Assert.Equal(new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero), meta.CreationTimestamp);
        Assert.Equal(["shoal.dev/cleanup"], meta.Finalizers!);
        Assert.Null(set.JobQueues[0].Status);
        Assert.Equal(["export.yaml (document 1): status is ignored: the operator (or `shoal run`) writes it"], set.Warnings);
    }

    [Fact]
    public void AnchorsAndAliasesAreResolved()
    {
        var pool = Yaml.Pool("  template:\n    tags: *labels\n")
            .Replace("name: demo-pool", "name: demo-pool\n  labels: &labels\n    team: a", StringComparison.Ordinal);

        var set = ManifestLoader.Parse("x.yaml", Yaml.Queue + "\n---\n" + pool);

        Assert.Equal("a", set.WorkerPools[0].Spec.Template!.Tags!["team"]);
    }

    [Fact]
    public void ExceptionMessageListsEveryProblem()
    {
        var yaml = Yaml.Queue + "\n---\n" + Yaml.Pool("  maxWorkers: -1\n  capacity: spto");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Parse("pool.yaml", yaml));

        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "2 problems in the manifests:",
                "  - pool.yaml (document 2): spec.maxWorkers must be an integer >= 0, got -1",
                "  - pool.yaml (document 2): spec.capacity must be one of spot, on-demand, spot-then-on-demand, got \"spto\""),
            error.Message);
    }
}
