using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shoal.Bench;

/// <summary>
/// bench/out/results.json: one entry per scenario, replaced each time that scenario runs, so a run of
/// one scenario keeps the others' last results. Git-ignored: the README carries the recorded numbers.
/// </summary>
internal sealed class ResultsFile(string path)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Path { get; } = path;

    public JsonObject? Read(string scenario) =>
        Load()["scenarios"]?[scenario]?.DeepClone() as JsonObject;

    public void Write(string scenario, JsonObject result)
    {
        var root = Load();
        root["updatedAt"] = DateTimeOffset.UtcNow.ToString("O");
        root["machine"] = Machine.Describe();
        if (root["scenarios"] is not JsonObject scenarios)
        {
            scenarios = [];
            root["scenarios"] = scenarios;
        }

        scenarios[scenario] = result;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(Indented) + "\n");
        File.Move(temporary, Path, overwrite: true);
    }

    private JsonObject Load()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(Path)) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            // A results file we cannot read is replaced rather than blocking a measurement.
            return [];
        }
    }
}
