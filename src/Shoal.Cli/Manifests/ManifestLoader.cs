using Shoal.Api.V1Alpha1;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Shoal.Cli.Manifests;

// Reads JobQueue and WorkerPool manifests the way `kubectl apply -f <folder>` would see them, so one
// folder serves both `shoal run` and a cluster. Documents of other kinds (a Namespace, a ConfigMap) are
// skipped with a warning; anything wrong in ours is an error, and all errors are reported together.
public static class ManifestLoader
{
    // Server-populated metadata that `kubectl get -o yaml` emits; Shoal does not model it, but a manifest
    // exported from a cluster must still load.
    private static readonly HashSet<string> ToleratedMetadata =
        ["generateName", "selfLink", "ownerReferences", "managedFields", "deletionGracePeriodSeconds"];

    private static readonly HashSet<string> TopLevelFields = ["apiVersion", "kind", "metadata", "spec", "status"];

    // A folder (every *.yaml and *.yml directly in it, in name order, like `kubectl apply -f`) or one file.
    public static ManifestSet Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
            return Parse([(Path.GetFileName(path), ReadFile(path))]);
        if (!Directory.Exists(path))
            throw new ManifestException([$"{path}: no such file or folder; pass a folder of JobQueue and WorkerPool manifests, such as config/samples/local"]);
        var files = Directory.EnumerateFiles(path)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new ManifestException([$"{path}: no *.yaml or *.yml files in this folder"]);
        return Parse([.. files.Select(f => (Path.GetFileName(f), ReadFile(f)))]);
    }

    // In-memory YAML, named as the file it came from (for stdin, tests, or embedded examples).
    public static ManifestSet Parse(string fileName, string yaml) => Parse([(fileName, yaml)]);

    private static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException([$"{path}: cannot read: {e.Message}"]);
        }
    }

    private static ManifestSet Parse(IReadOnlyList<(string FileName, string Yaml)> files)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        var queues = new List<(JobQueue Queue, DocumentLocation Where)>();
        var pools = new List<(WorkerPool Pool, DocumentLocation Where)>();
        var complete = true;

        foreach (var (fileName, yaml) in files)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException e)
            {
                // The parser cannot resume after a syntax error, so this file's documents are all unread.
                errors.Add($"{fileName}: invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
                complete = false;
                continue;
            }
            for (var i = 0; i < stream.Documents.Count; i++)
            {
                var d = new DocumentDiagnostics(new DocumentLocation(fileName, i + 1), errors, warnings);
                switch (ReadDocument(stream.Documents[i].RootNode, d))
                {
                    case JobQueue queue:
                        queues.Add((queue, d.Location));
                        break;
                    case WorkerPool pool:
                        pools.Add((pool, d.Location));
                        break;
                }
            }
        }

        CheckUnique(queues, q => q.Metadata, WellKnown.JobQueueKind, errors);
        CheckUnique(pools, p => p.Metadata, WellKnown.WorkerPoolKind, errors);
        // With a file unread, a missing queue may just be in it; saying "dangling" would mislead.
        if (complete)
            CheckReferences(queues, pools, errors, warnings);

        if (errors.Count > 0)
            throw new ManifestException(errors);
        return new ManifestSet([.. queues.Select(q => q.Queue)], [.. pools.Select(p => p.Pool)], warnings);
    }

    private static object? ReadDocument(YamlNode root, DocumentDiagnostics d)
    {
        if (YamlBinder.IsNull(root))
            return null;
        if (root is not YamlMappingNode mapping)
        {
            d.Error($"a manifest must be a mapping with apiVersion, kind, metadata and spec, got {YamlBinder.Describe(root)}");
            return null;
        }

        var apiVersion = ScalarField(mapping, "apiVersion");
        var kind = ScalarField(mapping, "kind");
        if (apiVersion is null || kind is null)
        {
            d.Error($"{(apiVersion is null ? "apiVersion" : "kind")} is required: every manifest names its apiVersion ({WellKnown.ApiVersion}) and kind ({WellKnown.JobQueueKind} or {WellKnown.WorkerPoolKind})");
            return null;
        }
        if (apiVersion != WellKnown.ApiVersion)
        {
            if (apiVersion.StartsWith(WellKnown.Group + "/", StringComparison.Ordinal) || apiVersion == WellKnown.Group)
                d.Error($"apiVersion must be {WellKnown.ApiVersion}, got \"{apiVersion}\"");
            else
                d.Warning($"skipped {apiVersion} {kind} {NameOf(mapping)}: only {WellKnown.ApiVersion} {WellKnown.JobQueueKind} and {WellKnown.WorkerPoolKind} are read");
            return null;
        }

        switch (kind)
        {
            case WellKnown.JobQueueKind:
                return ReadJobQueue(mapping, d);
            case WellKnown.WorkerPoolKind:
                return ReadWorkerPool(mapping, d);
            case WellKnown.WorkerKind:
                d.Warning($"skipped {kind} {NameOf(mapping)}: Workers are created by their WorkerPool, not declared");
                return null;
            default:
                d.Error($"kind must be {WellKnown.JobQueueKind} or {WellKnown.WorkerPoolKind} for apiVersion {WellKnown.ApiVersion}, got \"{kind}\"");
                return null;
        }
    }

    private static JobQueue ReadJobQueue(YamlMappingNode mapping, DocumentDiagnostics d)
    {
        var binder = new YamlBinder(d);
        var metadata = ReadMetadata(mapping, binder, d);
        var errorsBefore = d.ErrorCount;
        var spec = Field(mapping, "spec") is { } node ? binder.BindObject<JobQueueSpec>(node, "spec") ?? new() : new();
        ManifestValidator.ValidateJobQueue(spec, d, bound: d.ErrorCount == errorsBefore);
        return new JobQueue { Metadata = metadata, Spec = spec };
    }

    private static WorkerPool ReadWorkerPool(YamlMappingNode mapping, DocumentDiagnostics d)
    {
        var binder = new YamlBinder(d);
        var metadata = ReadMetadata(mapping, binder, d);
        var errorsBefore = d.ErrorCount;
        var node = Field(mapping, "spec");
        if (node is null)
            d.Error("spec is required: a WorkerPool needs at least spec.jobQueueRef.name");
        var spec = node is null ? new() : binder.BindObject<WorkerPoolSpec>(node, "spec") ?? new();
        ManifestValidator.ValidateWorkerPool(spec, d, bound: d.ErrorCount == errorsBefore);
        return new WorkerPool { Metadata = metadata, Spec = spec };
    }

    private static ObjectMeta ReadMetadata(YamlMappingNode mapping, YamlBinder binder, DocumentDiagnostics d)
    {
        CheckTopLevel(mapping, d);
        var node = Field(mapping, "metadata");
        var metadata = node is null ? new() : binder.BindObject<ObjectMeta>(node, "metadata", ToleratedMetadata) ?? new();
        ManifestValidator.ValidateMetadata(metadata, d);
        return metadata;
    }

    private static void CheckTopLevel(YamlMappingNode mapping, DocumentDiagnostics d)
    {
        foreach (var key in mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? ""))
        {
            if (!TopLevelFields.Contains(key))
                d.Error(YamlBinder.UnknownField(key, key, TopLevelFields));
        }
        if (Field(mapping, "status") is { } status && !YamlBinder.IsNull(status))
            d.Warning("status is ignored: the operator (or `shoal run`) writes it");
    }

    private static void CheckUnique<T>(List<(T Item, DocumentLocation Where)> items, Func<T, ObjectMeta> metadata, string kind, List<string> errors)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var mine = metadata(items[i].Item);
            if (mine.Name.Length == 0)
                continue;
            var first = items.Take(i).FirstOrDefault(other =>
                metadata(other.Item).Name == mine.Name && ManifestSet.SameNamespace(metadata(other.Item).Namespace, mine.Namespace));
            if (first.Item is not null)
                errors.Add($"{items[i].Where}: {kind} \"{mine.Name}\" is already defined in {first.Where}; names must be unique per namespace");
        }
    }

    private static void CheckReferences(
        List<(JobQueue Queue, DocumentLocation Where)> queues,
        List<(WorkerPool Pool, DocumentLocation Where)> pools,
        List<string> errors,
        List<string> warnings)
    {
        foreach (var (pool, where) in pools)
        {
            var name = pool.Spec.JobQueueRef.Name;
            if (name.Length == 0)
                continue;
            var queue = queues.Select(q => q.Queue).FirstOrDefault(q => ManifestSet.References(pool, q));
            if (queue is null)
            {
                var known = queues.Count == 0
                    ? "there is no JobQueue in these manifests"
                    : "JobQueues here: " + string.Join(", ", queues.Select(q => q.Queue.Metadata.Namespace is { } ns ? $"{ns}/{q.Queue.Metadata.Name}" : q.Queue.Metadata.Name));
                errors.Add($"{where}: spec.jobQueueRef.name \"{name}\" does not name a JobQueue in the same namespace ({known})");
                continue;
            }
            var queuePlatform = queue.Spec.JobDefaults.Platform;
            if (pool.Spec.Platform is { } platform && platform != queuePlatform && Platforms.All.Contains(platform))
                warnings.Add($"{where}: spec.platform is {platform} but JobQueue \"{queue.Metadata.Name}\" defaults jobs to {queuePlatform}; jobs without their own ssm_document will get the {queuePlatform} shell");
        }
    }

    private static YamlNode? Field(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? ScalarField(YamlMappingNode mapping, string key) =>
        Field(mapping, key) is YamlScalarNode scalar && !YamlBinder.IsNull(scalar) ? scalar.Value : null;

    private static string NameOf(YamlMappingNode mapping) =>
        Field(mapping, "metadata") is YamlMappingNode metadata && ScalarField(metadata, "name") is { } name ? $"\"{name}\"" : "(unnamed)";
}
