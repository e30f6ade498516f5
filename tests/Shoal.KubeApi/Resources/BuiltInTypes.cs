using System.Globalization;
using System.Text.Json.Nodes;
using Shoal.KubeApi.Storage;
using Shoal.KubeApi.Tables;

namespace Shoal.KubeApi.Resources;

/// <summary>The built-in resources the emulator serves, with the table columns the real server prints.</summary>
internal static class BuiltInTypes
{
    private static ResourceType Namespaces() => new()
    {
        Group = "",
        Version = "v1",
        Plural = "namespaces",
        Singular = "namespace",
        Kind = "Namespace",
        ListKind = "NamespaceList",
        Namespaced = false,
        ShortNames = ["ns"],
        HasStatusSubresource = true,
        AllowUnconditionalUpdate = true,
        NameRule = NameRule.Label,
        ExtraFieldSelectors = ["status.phase"],
        Columns =
        [
            TableRenderer.NameColumn,
            new TableColumn("Status", "string", "", "The status of the namespace", 0, (obj, _) => Text(Json.Str(obj, "status", "phase"))),
            TableRenderer.AgeColumn,
        ],
    };

    private static ResourceType Events() => new()
    {
        Group = "",
        Version = "v1",
        Plural = "events",
        Singular = "event",
        Kind = "Event",
        ListKind = "EventList",
        Namespaced = true,
        ShortNames = ["ev"],
        AllowUnconditionalUpdate = true,
        ExtraFieldSelectors =
        [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
            "reportingComponent", "source", "type",
        ],
        Columns = EventColumns(),
    };

    private static ResourceType Leases() => new()
    {
        Group = "coordination.k8s.io",
        Version = "v1",
        Plural = "leases",
        Singular = "lease",
        Kind = "Lease",
        ListKind = "LeaseList",
        Namespaced = true,
        AllowUnconditionalUpdate = true,
        Columns =
        [
            TableRenderer.NameColumn,
            new TableColumn("Holder", "string", "", "The holder of the lease", 0, (obj, _) => Text(Json.Str(obj, "spec", "holderIdentity"))),
            TableRenderer.AgeColumn,
        ],
    };

    private static ResourceType CustomResourceDefinitions() => new()
    {
        Group = "apiextensions.k8s.io",
        Version = "v1",
        Plural = "customresourcedefinitions",
        Singular = "customresourcedefinition",
        Kind = "CustomResourceDefinition",
        ListKind = "CustomResourceDefinitionList",
        Namespaced = false,
        ShortNames = ["crd", "crds"],
        Categories = ["api-extensions"],
        HasStatusSubresource = true,
        HasGeneration = true,
        NameRule = NameRule.Subdomain,
        Columns =
        [
            TableRenderer.NameColumn,
            new TableColumn("Created At", "date", "", "CreationTimestamp of the CustomResourceDefinition", 0,
                (obj, _) => Text(Json.Str(obj, "metadata", "creationTimestamp"))),
        ],
    };

    public const string NamespacesStorageKey = "/namespaces";

    /// <summary>Fresh instances per server: hooks bind a type to one server's store.</summary>
    public static List<ResourceType> Create() => [Namespaces(), Events(), Leases(), CustomResourceDefinitions()];

    private static JsonNode? Text(string? value) => value is null ? null : JsonValue.Create(value);

    private static List<TableColumn> EventColumns()
    {
        static string Since(JsonObject obj, DateTimeOffset now, params string[][] paths)
        {
            foreach (var path in paths)
            {
                if (TableRenderer.Age(Json.Str(obj, path), now) is { } age)
                {
                    return age.GetValue<string>();
                }
            }

            return "<unknown>";
        }

        return
        [
            new("Last Seen", "string", "", "The time at which the most recent occurrence of this event was recorded.", 0,
                (obj, now) => Since(obj, now, ["series", "lastObservedTime"], ["lastTimestamp"], ["eventTime"])),
            new("Type", "string", "", "Type of this event (Normal, Warning), new types could be added in the future", 0,
                (obj, _) => JsonValue.Create(Json.Str(obj, "type") ?? "")),
            new("Reason", "string", "", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", 0,
                (obj, _) => JsonValue.Create(Json.Str(obj, "reason") ?? "")),
            new("Object", "string", "", "The object that this event is about.", 0, (obj, _) =>
            {
                var kind = (Json.Str(obj, "involvedObject", "kind") ?? "").ToLowerInvariant();
                var name = Json.Str(obj, "involvedObject", "name");
                return JsonValue.Create(string.IsNullOrEmpty(name) ? kind : $"{kind}/{name}");
            }),
            new("Subobject", "string", "", "The field path of the involved object.", 1,
                (obj, _) => JsonValue.Create(Json.Str(obj, "involvedObject", "fieldPath") ?? "")),
            new("Source", "string", "", "The component reporting this event.", 1, (obj, _) =>
            {
                var component = Json.Str(obj, "source", "component") ?? Json.Str(obj, "reportingComponent") ?? "";
                var host = Json.Str(obj, "source", "host");
                return JsonValue.Create(string.IsNullOrEmpty(host) ? component : $"{component}, {host}");
            }),
            new("Message", "string", "", "A human-readable description of the status of this operation.", 0,
                (obj, _) => JsonValue.Create((Json.Str(obj, "message") ?? "").Trim())),
            new("First Seen", "string", "", "The time at which the event was first recorded.", 1,
                (obj, now) => Since(obj, now, ["firstTimestamp"], ["eventTime"])),
            new("Count", "string", "", "The number of times this event has occurred.", 1, (obj, _) =>
            {
                var count = long.TryParse(obj["series"]?["count"]?.ToJsonString() ?? obj["count"]?.ToJsonString(),
                    NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
                return JsonValue.Create(count);
            }),
            new("Name", "string", "name", "Name of the event.", 1, (obj, _) => JsonValue.Create(Json.Name(obj))),
        ];
    }
}
