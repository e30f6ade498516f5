using System.Net;
using System.Text.Json.Nodes;
using Shoal.KubeApi.Tests.Support;

namespace Shoal.KubeApi.Tests.Client;

/// <summary>The storage rules of custom resources, checked on the wire: status codes and Status bodies.</summary>
public sealed class CustomResourceTests : IAsyncLifetime
{
    private KubeApiServer server = null!;
    private RawApi api = null!;

    public async Task InitializeAsync()
    {
        server = await KubeApiServer.StartAsync();
        api = new RawApi(server);
        await api.RegisterGadgetsAsync();
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        await server.DisposeAsync();
    }

    private static string Rv(JsonObject obj) => (string)obj["metadata"]!["resourceVersion"]!;

    private static long Generation(JsonObject obj) => (long)obj["metadata"]!["generation"]!;

    [Fact]
    public async Task The_status_subresource_splits_writes_and_generation_follows_spec_only()
    {
        var (_, created, _) = await api.PostAsync(RawApi.Gadgets,
            """{"apiVersion":"testing.shoal.dev/v1","kind":"Gadget","metadata":{"name":"g1"},"spec":{"size":1,"mode":"fast"},"status":{"counts":{"queued":9}}}""");
        Assert.Null(created["status"]);
        Assert.Equal(1, Generation(created));

        var (_, withStatus, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1/status", """{"spec":{"size":50},"status":{"counts":{"queued":4}}}""");
        Assert.Equal(4, (int)withStatus["status"]!["counts"]!["queued"]!);
        Assert.Equal(1, (int)withStatus["spec"]!["size"]!);
        Assert.Equal(1, Generation(withStatus));
        Assert.NotEqual(Rv(created), Rv(withStatus));

        var (_, withSpec, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"spec":{"size":2},"status":{"counts":{"queued":0}}}""");
        Assert.Equal(2, (int)withSpec["spec"]!["size"]!);
        Assert.Equal(4, (int)withSpec["status"]!["counts"]!["queued"]!);
        Assert.Equal(2, Generation(withSpec));

        var (_, relabelled, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"metadata":{"labels":{"x":"y"}}}""");
        Assert.Equal(2, Generation(relabelled));

        // PUT to /status replaces the status and nothing else.
        withSpec["status"] = new JsonObject { ["counts"] = new JsonObject { ["queued"] = 1 } };
        withSpec["spec"]!["size"] = 99;
        withSpec["metadata"]!["resourceVersion"] = Rv(relabelled);
        var (putStatus, put, _) = await api.PutAsync($"{RawApi.Gadgets}/g1/status", withSpec.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, putStatus);
        Assert.Equal((1, 2), ((int)put["status"]!["counts"]!["queued"]!, (int)put["spec"]!["size"]!));
    }

    [Fact]
    public async Task A_write_that_changes_nothing_keeps_the_resource_version()
    {
        var created = await api.CreateGadgetAsync("g1");

        var (status, same, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"spec":{"size":1}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Rv(created), Rv(same));
    }

    [Fact]
    public async Task A_put_with_a_stale_resource_version_is_a_409_conflict()
    {
        var created = await api.CreateGadgetAsync("g1");
        await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"spec":{"size":2}}""");

        created["spec"]!["size"] = 3;
        var (status, body, _) = await api.PutAsync($"{RawApi.Gadgets}/g1", created.ToJsonString());

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Conflict", (string?)body["reason"]);
        Assert.Equal(409, (int)body["code"]!);
        Assert.Equal("Operation cannot be fulfilled on gadgets.testing.shoal.dev \"g1\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)body["message"]);
    }

    [Fact]
    public async Task A_put_without_resource_version_is_refused_for_custom_resources()
    {
        await api.CreateGadgetAsync("g1");

        var (status, body, _) = await api.PutAsync($"{RawApi.Gadgets}/g1", RawApi.Gadget("g1", size: 4));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Gadget.testing.shoal.dev \"g1\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", (string?)body["message"]);
    }

    [Fact]
    public async Task A_merge_patch_carrying_a_stale_resource_version_conflicts()
    {
        var created = await api.CreateGadgetAsync("g1");
        await api.PatchAsync($"{RawApi.Gadgets}/g1/status", """{"status":{"counts":{"queued":1}}}""");

        var (status, _, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1/status",
            "{\"metadata\":{\"resourceVersion\":\"" + Rv(created) + "\"},\"status\":{\"counts\":{\"queued\":2}}}");

        Assert.Equal(HttpStatusCode.Conflict, status);
    }

    [Fact]
    public async Task Missing_objects_duplicates_and_missing_namespaces_get_the_real_messages()
    {
        await api.CreateGadgetAsync("g1");

        var (notFound, missing, _) = await api.GetAsync($"{RawApi.Gadgets}/nope");
        Assert.Equal((HttpStatusCode.NotFound, "gadgets.testing.shoal.dev \"nope\" not found", "NotFound"),
            (notFound, (string?)missing["message"], (string?)missing["reason"]));

        var (conflict, duplicate, _) = await api.PostAsync(RawApi.Gadgets, RawApi.Gadget("g1"));
        Assert.Equal((HttpStatusCode.Conflict, "gadgets.testing.shoal.dev \"g1\" already exists", "AlreadyExists"),
            (conflict, (string?)duplicate["message"], (string?)duplicate["reason"]));

        var (noNamespace, orphan, _) = await api.PostAsync("/apis/testing.shoal.dev/v1/namespaces/nope/gadgets", RawApi.Gadget("g2"));
        Assert.Equal((HttpStatusCode.NotFound, "namespaces \"nope\" not found"), (noNamespace, (string?)orphan["message"]));
    }

    [Fact]
    public async Task Validation_reports_every_cause_with_the_real_servers_wording()
    {
        var (status, body, _) = await api.PostAsync(RawApi.Gadgets, """
            {"apiVersion":"testing.shoal.dev/v1","kind":"Gadget","metadata":{"name":"bad"},
             "spec":{"size":3000000000,"mode":"turbo","owner":"X1","tags":["a","b","c","d"],"port":true,"ratio":1,"labels":{"k":5},"note":null}}
            """);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var causes = body["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]}|{c["reason"]}|{c["message"]}").ToList();
        Assert.Equal(
        [
            "spec.size|FieldValueTypeInvalid|Invalid value: 3000000000: spec.size in body must be of type int32: \"3000000000\"",
            "spec.mode|FieldValueNotSupported|Unsupported value: \"turbo\": supported values: \"fast\", \"slow\"",
            "spec.owner|FieldValueInvalid|Invalid value: \"X1\": spec.owner in body should match '^[a-z]+$'",
            "spec.tags|FieldValueTooMany|Too many: 4: must have at most 3 items",
            "spec.port|FieldValueTypeInvalid|Invalid value: true: spec.port in body must be of type integer or string: \"boolean\"",
            "spec.ratio|FieldValueInvalid|Invalid value: 1: spec.ratio in body should be less than 1",
            "spec.labels.k|FieldValueTypeInvalid|Invalid value: 5: spec.labels.k in body must be of type string: \"integer\"",
        ], causes);
        Assert.StartsWith("Gadget.testing.shoal.dev \"bad\" is invalid: [spec.size: Invalid value: 3000000000", (string?)body["message"], StringComparison.Ordinal);
        Assert.Equal(("Gadget", "testing.shoal.dev", "bad"), ((string?)body["details"]!["kind"], (string?)body["details"]!["group"], (string?)body["details"]!["name"]));

        var (missingStatus, missing, _) = await api.PostAsync(RawApi.Gadgets, """{"apiVersion":"testing.shoal.dev/v1","kind":"Gadget","metadata":{"name":"empty"},"spec":{"owner":"a"}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingStatus);
        Assert.Equal("Gadget.testing.shoal.dev \"empty\" is invalid: [spec.size: Required value, spec.mode: Required value, spec.owner: Invalid value: \"a\": spec.owner in body should be at least 2 chars long]",
            (string?)missing["message"]);
    }

    [Fact]
    public async Task Unknown_fields_are_pruned_with_a_warning_by_default_and_rejected_when_strict()
    {
        var body = """{"apiVersion":"testing.shoal.dev/v1","kind":"Gadget","metadata":{"name":"g1","colour":"red"},"spec":{"size":1,"mode":"fast","colour":"blue","extra":{"anything":{"goes":1}}}}""";

        var (strictStatus, strict, _) = await api.PostAsync($"{RawApi.Gadgets}?fieldValidation=Strict", body);
        Assert.Equal(HttpStatusCode.BadRequest, strictStatus);
        Assert.Equal("Gadget in version \"v1\" cannot be handled as a Gadget: strict decoding error: unknown field \"metadata.colour\", unknown field \"spec.colour\"",
            (string?)strict["message"]);

        var (status, created, headers) = await api.PostAsync(RawApi.Gadgets, body);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["299 - \"unknown field \\\"metadata.colour\\\"\"", "299 - \"unknown field \\\"spec.colour\\\"\""], headers.GetValues("Warning"));
        Assert.False(created["spec"]!.AsObject().ContainsKey("colour"));
        Assert.Equal(1, (int)created["spec"]!["extra"]!["anything"]!["goes"]!);
        Assert.Equal(3, (int)created["spec"]!["retries"]!);

        var (patchStatus, patch, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1?fieldValidation=Strict", """{"spec":{"shade":"dark"}}""");
        Assert.Equal((HttpStatusCode.BadRequest, "strict decoding error: unknown field \"spec.shade\""), (patchStatus, (string?)patch["message"]));
    }

    [Fact]
    public async Task A_finalizer_keeps_a_deleted_object_until_a_json_patch_removes_it()
    {
        await api.CreateGadgetAsync("g1", extraMetadata: ""","finalizers":["testing.shoal.dev/hold"]""");

        var (deleteStatus, deleting, _) = await api.DeleteAsync($"{RawApi.Gadgets}/g1");
        Assert.Equal(HttpStatusCode.OK, deleteStatus);
        Assert.NotNull(deleting["metadata"]!["deletionTimestamp"]);
        Assert.Equal(2, Generation(deleting));

        var (stillThere, _, _) = await api.GetAsync($"{RawApi.Gadgets}/g1");
        Assert.Equal(HttpStatusCode.OK, stillThere);

        var (addStatus, _, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1", """{"metadata":{"finalizers":["testing.shoal.dev/hold","another"]}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, addStatus);

        var (patchStatus, _, _) = await api.PatchAsync($"{RawApi.Gadgets}/g1",
            """[{"op":"test","path":"/metadata/finalizers/0","value":"testing.shoal.dev/hold"},{"op":"remove","path":"/metadata/finalizers/0"}]""",
            "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, patchStatus);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"{RawApi.Gadgets}/g1")).Status);
    }

    [Fact]
    public async Task Lists_filter_by_label_and_field_selectors_and_page_with_continue_tokens()
    {
        await api.PostAsync("/api/v1/namespaces", """{"metadata":{"name":"other"}}""");
        await api.CreateGadgetAsync("a", extraMetadata: ""","labels":{"tier":"gold"}""");
        await api.CreateGadgetAsync("b", extraMetadata: ""","labels":{"tier":"silver"}""");
        await api.CreateGadgetAsync("c");
        await api.PostAsync("/apis/testing.shoal.dev/v1/namespaces/other/gadgets", RawApi.Gadget("d"));

        async Task<List<string>> Names(string query)
        {
            var (_, list, _) = await api.GetAsync($"/apis/testing.shoal.dev/v1/{query}");
            return [.. list["items"]!.AsArray().Select(i => (string)i!["metadata"]!["name"]!)];
        }

        Assert.Equal(["a", "b"], await Names("namespaces/default/gadgets?labelSelector=tier%20in%20(gold,silver)"));
        Assert.Equal(["b", "c"], await Names("namespaces/default/gadgets?labelSelector=tier!%3Dgold"));
        Assert.Equal(["c"], await Names("namespaces/default/gadgets?labelSelector=!tier"));
        Assert.Equal(["b"], await Names("namespaces/default/gadgets?fieldSelector=metadata.name%3Db"));
        Assert.Equal(["d"], await Names("gadgets?fieldSelector=metadata.namespace%3Dother"));
        Assert.Equal(["a", "b", "c", "d"], await Names("gadgets"));

        var (_, page, _) = await api.GetAsync($"{RawApi.Gadgets}?limit=2");
        Assert.Equal(1, (int)page["metadata"]!["remainingItemCount"]!);
        var token = Uri.EscapeDataString((string)page["metadata"]!["continue"]!);
        Assert.Equal(["c"], await Names($"namespaces/default/gadgets?limit=2&continue={token}"));

        var (badStatus, bad, _) = await api.GetAsync($"{RawApi.Gadgets}?fieldSelector=spec.size%3D1");
        Assert.Equal((HttpStatusCode.BadRequest, "\"spec.size\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""),
            (badStatus, (string?)bad["message"]));
    }

    [Fact]
    public async Task Generate_name_and_server_side_apply_create_objects()
    {
        var (status, generated, _) = await api.PostAsync(RawApi.Gadgets,
            """{"apiVersion":"testing.shoal.dev/v1","kind":"Gadget","metadata":{"generateName":"job-"},"spec":{"size":1,"mode":"fast"}}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Matches("^job-[a-z0-9]{5}$", (string)generated["metadata"]!["name"]!);

        var yaml = """
            apiVersion: testing.shoal.dev/v1
            kind: Gadget
            metadata:
              name: applied
            spec:
              size: 2
              mode: slow
            """;
        var (noManager, _, _) = await api.PatchAsync($"{RawApi.Gadgets}/applied", yaml, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noManager);
        var (created, applied, _) = await api.PatchAsync($"{RawApi.Gadgets}/applied?fieldManager=test", yaml, "application/apply-patch+yaml");
        Assert.Equal((HttpStatusCode.Created, "slow"), (created, (string?)applied["spec"]!["mode"]));
        var (updated, reapplied, _) = await api.PatchAsync($"{RawApi.Gadgets}/applied?fieldManager=test", yaml.Replace("size: 2", "size: 5", StringComparison.Ordinal), "application/apply-patch+yaml");
        Assert.Equal((HttpStatusCode.OK, 5), (updated, (int)reapplied["spec"]!["size"]!));
    }

    [Fact]
    public async Task Deleting_the_crd_stops_serving_its_resources_and_removes_its_objects()
    {
        await api.CreateGadgetAsync("g1");

        var (status, _, _) = await api.DeleteAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.testing.shoal.dev");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync(RawApi.Gadgets)).Status);
        await api.RegisterGadgetsAsync();
        var (_, list, _) = await api.GetAsync(RawApi.Gadgets);
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_registered_crd_is_established_with_its_names_accepted()
    {
        var (_, crd, _) = await api.GetAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.testing.shoal.dev");

        var conditions = crd["status"]!["conditions"]!.AsArray().ToDictionary(c => (string)c!["type"]!, c => (string)c!["status"]!);
        Assert.Equal("True", conditions["Established"]);
        Assert.Equal("True", conditions["NamesAccepted"]);
        Assert.Equal("Gadget", (string?)crd["status"]!["acceptedNames"]!["kind"]);

        var (immutable, refused, _) = await api.PatchAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.testing.shoal.dev",
            """{"spec":{"scope":"Cluster"}}""");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "CustomResourceDefinition.apiextensions.k8s.io \"gadgets.testing.shoal.dev\" is invalid: spec.scope: Invalid value: \"Cluster\": field is immutable"),
            (immutable, (string?)refused["message"]));

        var (invalid, body, _) = await api.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            """{"metadata":{"name":"wrong.testing.shoal.dev"},"spec":{"group":"testing.shoal.dev","scope":"Namespaced","names":{"plural":"things","kind":"Thing"},"versions":[{"name":"v1","served":true,"storage":true}]}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid);
        Assert.Equal("CustomResourceDefinition.apiextensions.k8s.io \"wrong.testing.shoal.dev\" is invalid: [metadata.name: Invalid value: \"wrong.testing.shoal.dev\": must be spec.names.plural+\".\"+spec.group, spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required]",
            (string?)body["message"]);
    }
}
