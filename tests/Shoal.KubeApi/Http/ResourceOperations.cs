using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Shoal.KubeApi.Patching;
using Shoal.KubeApi.Resources;
using Shoal.KubeApi.Schema;
using Shoal.KubeApi.Selectors;
using Shoal.KubeApi.Storage;

namespace Shoal.KubeApi.Http;

/// <summary>
/// The storage rules of the real API server's generic registry and the custom-resource strategy: identity
/// and server-owned metadata, resourceVersion preconditions, the status subresource split, generation,
/// finalizers and deletionTimestamp, pruning, defaulting and validation. Every read-decide-write runs
/// under the store lock, so concurrent writers see the same conflicts a real server would report.
/// </summary>
internal sealed partial class ResourceOperations(ObjectStore store, TimeProvider time)
{
    private const int MaxAnnotationBytes = 256 * 1024;
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public JsonObject Get(ResourceType type, string? ns, string name)
        => store.Get(type.StorageKey, ns, name) is { } obj ? AsVersion(type, obj) : throw ApiException.NotFound(type, name);

    public (List<JsonObject> Items, JsonObject Metadata) List(ResourceType type, string? ns, LabelSelector labels,
        FieldSelector fields, int limit, string? continueToken)
    {
        lock (store.Gate)
        {
            var items = store.List(type.StorageKey, ns)
                .Where(o => labels.Matches(Json.Labels(o)) && fields.Matches(o))
                .Select(o => AsVersion(type, o))
                .ToList();
            var metadata = new JsonObject { ["resourceVersion"] = store.Revision.ToString(CultureInfo.InvariantCulture) };
            if (!string.IsNullOrEmpty(continueToken))
            {
                var after = DecodeContinue(continueToken);
                items = [.. items.SkipWhile(o => string.CompareOrdinal($"{Json.Namespace(o)}/{Json.Name(o)}", after) <= 0)];
            }

            if (limit > 0 && items.Count > limit)
            {
                var last = items[limit - 1];
                metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Json.Namespace(last)}/{Json.Name(last)}"));
                metadata["remainingItemCount"] = items.Count - limit;
                items = items[..limit];
            }

            return (items, metadata);
        }
    }

    private static string DecodeContinue(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("continue key is not valid: use the metadata.continue value of the previous page");
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, WriteOptions options, Func<IReadOnlyList<string>, ApiException>? strictError = null)
    {
        CheckTypeMeta(type, body);
        var metadata = Json.Metadata(body);
        ScopeNamespace(type, ns, metadata);
        lock (store.Gate)
        {
            if (type.Namespaced && store.Get(BuiltInTypes.NamespacesStorageKey, null, ns!) is null)
            {
                throw ApiException.NamespaceNotFound(ns!);
            }

            var name = Json.Str(metadata["name"]);
            if (string.IsNullOrEmpty(name))
            {
                var prefix = Json.Str(metadata["generateName"]);
                if (string.IsNullOrEmpty(prefix))
                {
                    throw ApiException.Invalid(type, "", [FieldError.Required("metadata.name", "name or generateName is required")]);
                }

                do
                {
                    name = prefix + string.Concat(Enumerable.Range(0, 5).Select(_ => GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)]));
                }
                while (store.Get(type.StorageKey, ns, name) is not null);
                metadata["name"] = name;
            }

            if (store.Get(type.StorageKey, ns, name) is not null)
            {
                throw ApiException.AlreadyExists(type, name);
            }

            HandleUnknownFields(type, body, options, strictError ?? CreateDecodeError(type));
            foreach (var serverOwned in new[] { "resourceVersion", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "managedFields", "selfLink" })
            {
                metadata.Remove(serverOwned);
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Json.Timestamp(time.GetUtcNow());
            if (type.HasGeneration)
            {
                metadata["generation"] = 1;
            }

            if (type.HasStatusSubresource && type.DefinedBy is not null)
            {
                // The custom-resource strategy drops status on create; it is written through /status.
                body.Remove("status");
            }

            Admit(type, body, null, isCreate: true);
            if (options.DryRun)
            {
                return body;
            }

            var stored = store.Put(type.StorageKey, body);
            type.Hooks?.Written(stored);
            return AsVersion(type, stored);
        }
    }

    public JsonObject Update(ResourceType type, string? ns, string name, string? subresource, JsonObject body, WriteOptions options)
    {
        CheckTypeMeta(type, body);
        var metadata = Json.Metadata(body);
        var bodyName = Json.Str(metadata["name"]);
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        metadata["name"] = name;
        ScopeNamespace(type, ns, metadata);
        lock (store.Gate)
        {
            var current = store.Get(type.StorageKey, ns, name) ?? throw ApiException.NotFound(type, name);
            HandleUnknownFields(type, body, options, CreateDecodeError(type));
            var requested = Json.Str(metadata["resourceVersion"]);
            if (string.IsNullOrEmpty(requested))
            {
                if (!type.AllowUnconditionalUpdate)
                {
                    throw ApiException.Invalid(type, name,
                        [new FieldError("metadata.resourceVersion", "Invalid value", "FieldValueInvalid", "0x0", "must be specified for an update")]);
                }
            }
            else if (requested != Json.Str(current, "metadata", "resourceVersion"))
            {
                throw ApiException.StaleResourceVersion(type, name);
            }

            return Commit(type, current, Split(type, current, body, subresource), options);
        }
    }

    public (JsonObject Object, bool Created) Patch(ResourceType type, string? ns, string name, string? subresource, string contentType,
        byte[] body, WriteOptions options)
    {
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        var text = Encoding.UTF8.GetString(body);
        lock (store.Gate)
        {
            var current = store.Get(type.StorageKey, ns, name);
            JsonNode? patched;
            try
            {
                switch (mediaType)
                {
                    case "application/apply-patch+yaml":
                        if (string.IsNullOrEmpty(options.FieldManager))
                        {
                            throw ApiException.Invalid(type, name, [FieldError.Required("fieldManager", "is required for apply patch")]);
                        }

                        var applied = YamlToJson.Parse(text) as JsonObject ?? throw new PatchException("an apply configuration must be an object");
                        if (current is null)
                        {
                            if (subresource is not null)
                            {
                                throw ApiException.NotFound(type, name);
                            }

                            var appliedName = Json.Name(applied);
                            if (appliedName.Length > 0 && appliedName != name)
                            {
                                throw ApiException.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
                            }

                            Json.Metadata(applied)["name"] = name;
                            var strictCreate = new WriteOptions { DryRun = options.DryRun, FieldValidation = options.FieldValidation, FieldManager = options.FieldManager };
                            var created = Create(type, ns, applied, strictCreate, ApplyDecodeError(type));
                            options.Warnings.AddRange(strictCreate.Warnings);
                            return (created, true);
                        }

                        CheckTypeMeta(type, applied);
                        HandleUnknownFields(type, (JsonObject)applied.DeepClone(), options, ApplyDecodeError(type));
                        patched = MergePatch.Apply(current.DeepClone(), applied);
                        break;
                    case "application/merge-patch+json":
                        patched = MergePatch.Apply(current?.DeepClone(), ParseJson(text));
                        break;
                    case "application/strategic-merge-patch+json":
                        patched = MergePatch.Apply(current?.DeepClone(), ParseJson(text), strategic: true);
                        break;
                    case "application/json-patch+json":
                        patched = current is null ? null : JsonPatch.Apply(current.DeepClone(), JsonPatch.Parse(body));
                        break;
                    default:
                        throw ApiException.UnsupportedMediaType(contentType);
                }
            }
            catch (PatchException e)
            {
                throw ApiException.Invalid(BadPatchType, "", [FieldError.Invalid("patch", JsonValue.Create(text), e.Message)]);
            }

            if (current is null)
            {
                throw ApiException.NotFound(type, name);
            }

            if (patched is not JsonObject patchedObject)
            {
                throw ApiException.BadRequest("the patch must leave a JSON object");
            }

            var requested = Json.Str(patchedObject, "metadata", "resourceVersion");
            if (!string.IsNullOrEmpty(requested) && requested != Json.Str(current, "metadata", "resourceVersion"))
            {
                throw ApiException.StaleResourceVersion(type, name);
            }

            if (mediaType == "application/apply-patch+yaml")
            {
                // Unknown fields of the apply configuration were reported above; drop them from the result.
                type.Schema?.Prune(patchedObject);
            }
            else
            {
                HandleUnknownFields(type, patchedObject, options, unknown => ApiException.BadRequest(StrictDecodingError(unknown)));
            }

            patchedObject["apiVersion"] = type.ApiVersion;
            patchedObject["kind"] = type.Kind;
            var metadata = Json.Metadata(patchedObject);
            metadata["name"] = name;
            ScopeNamespace(type, ns, metadata, check: false);
            return (Commit(type, current, Split(type, current, patchedObject, subresource), options), false);
        }
    }

    /// <summary>A stand-in type for the "patch" errors whose message names no kind (as on the real server).</summary>
    private static readonly ResourceType BadPatchType = new()
    {
        Group = "",
        Version = "",
        Plural = "",
        Singular = "",
        Kind = "",
        ListKind = "",
        Namespaced = false,
    };

    public JsonObject Delete(ResourceType type, string? ns, string name, JsonObject? deleteOptions, WriteOptions options)
    {
        lock (store.Gate)
        {
            var current = store.Get(type.StorageKey, ns, name) ?? throw ApiException.NotFound(type, name);
            CheckPreconditions(type, current, deleteOptions);
            if (Json.Finalizers(current).Count > 0)
            {
                var metadata = Json.Metadata(current);
                if (metadata["deletionTimestamp"] is not null)
                {
                    return AsVersion(type, current);
                }

                metadata["deletionTimestamp"] = Json.Timestamp(time.GetUtcNow());
                metadata["deletionGracePeriodSeconds"] = 0;
                if (type.HasGeneration)
                {
                    metadata["generation"] = Json.Long(metadata["generation"]) + 1;
                }

                if (options.DryRun)
                {
                    return AsVersion(type, current);
                }

                return AsVersion(type, store.Put(type.StorageKey, current));
            }

            if (options.DryRun)
            {
                return AsVersion(type, current);
            }

            var removed = store.Remove(type.StorageKey, ns, name)!;
            type.Hooks?.Removed(removed);
            return AsVersion(type, removed);
        }
    }

    public List<JsonObject> DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, WriteOptions options)
    {
        lock (store.Gate)
        {
            var (items, _) = List(type, ns, labels, fields, 0, null);
            return [.. items.Select(o => Delete(type, Json.Namespace(o), Json.Name(o), null, options))];
        }
    }

    private static void CheckPreconditions(ResourceType type, JsonObject current, JsonObject? deleteOptions)
    {
        if (deleteOptions?["preconditions"] is not JsonObject preconditions)
        {
            return;
        }

        var uid = Json.Str(preconditions["uid"]);
        var actualUid = Json.Str(current, "metadata", "uid");
        if (!string.IsNullOrEmpty(uid) && uid != actualUid)
        {
            throw ApiException.Conflict(type, Json.Name(current), $"Precondition failed: UID in precondition: {uid}, UID in object meta: {actualUid}");
        }

        var rv = Json.Str(preconditions["resourceVersion"]);
        var actualRv = Json.Str(current, "metadata", "resourceVersion");
        if (!string.IsNullOrEmpty(rv) && rv != actualRv)
        {
            throw ApiException.Conflict(type, Json.Name(current),
                $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {actualRv}");
        }
    }

    /// <summary>
    /// The status subresource split: a write to /status changes only .status, a write to the main resource
    /// changes everything but .status. Server-owned metadata always comes from the stored object.
    /// </summary>
    private static JsonObject Split(ResourceType type, JsonObject current, JsonObject incoming, string? subresource)
    {
        JsonObject candidate;
        if (subresource == "status")
        {
            candidate = (JsonObject)current.DeepClone();
            if (incoming["status"] is { } status)
            {
                candidate["status"] = status.DeepClone();
            }
            else
            {
                candidate.Remove("status");
            }

            return candidate;
        }

        candidate = (JsonObject)incoming.DeepClone();
        if (type.HasStatusSubresource)
        {
            if (current["status"] is { } status)
            {
                candidate["status"] = status.DeepClone();
            }
            else
            {
                candidate.Remove("status");
            }
        }

        var metadata = Json.Metadata(candidate);
        var currentMetadata = Json.Metadata(current);
        foreach (var owned in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion", "namespace" })
        {
            if (currentMetadata[owned] is { } value)
            {
                metadata[owned] = value.DeepClone();
            }
            else
            {
                metadata.Remove(owned);
            }
        }

        metadata.Remove("managedFields");
        metadata.Remove("selfLink");
        return candidate;
    }

    private JsonObject Commit(ResourceType type, JsonObject current, JsonObject candidate, WriteOptions options)
    {
        var name = Json.Name(current);
        if (Json.Str(current, "metadata", "deletionTimestamp") is not null)
        {
            var added = Json.Finalizers(candidate).Except(Json.Finalizers(current)).ToList();
            if (added.Count > 0)
            {
                throw ApiException.Invalid(type, name, [FieldError.Forbidden("metadata.finalizers",
                    $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(FieldError.Quote))}}}")]);
            }
        }

        Admit(type, candidate, current, isCreate: false);
        if (type.HasGeneration && !JsonNode.DeepEquals(WithoutMetadata(type, current), WithoutMetadata(type, candidate)))
        {
            var metadata = Json.Metadata(candidate);
            metadata["generation"] = Json.Long(Json.Metadata(current)["generation"]) + 1;
        }

        // A write that changes nothing keeps the resourceVersion and sends no watch event, as on a real server.
        if (JsonNode.DeepEquals(current, candidate))
        {
            return AsVersion(type, current);
        }

        if (Json.Str(candidate, "metadata", "deletionTimestamp") is not null && Json.Finalizers(candidate).Count == 0)
        {
            if (options.DryRun)
            {
                return AsVersion(type, candidate);
            }

            var removed = store.Remove(type.StorageKey, Json.Namespace(candidate), name, candidate)!;
            type.Hooks?.Removed(removed);
            return AsVersion(type, removed);
        }

        if (options.DryRun)
        {
            return AsVersion(type, candidate);
        }

        var stored = store.Put(type.StorageKey, candidate);
        type.Hooks?.Written(stored);
        return AsVersion(type, stored);
    }

    private static JsonObject WithoutMetadata(ResourceType type, JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("metadata");
        copy.Remove("apiVersion");
        if (type.HasStatusSubresource)
        {
            copy.Remove("status");
        }

        return copy;
    }

    /// <summary>Type hooks, defaults and validation; throws 422 Invalid with every problem found.</summary>
    private void Admit(ResourceType type, JsonObject candidate, JsonObject? current, bool isCreate)
    {
        type.Hooks?.Prepare(candidate, current);
        type.Schema?.ApplyDefaults(candidate);
        var errors = new List<FieldError>();
        if (isCreate)
        {
            ValidateName(type, candidate, errors);
        }

        ValidateMetadata(candidate, errors);
        if (type.Schema is not null)
        {
            errors.AddRange(type.Schema.Validate(candidate));
        }

        if (type.Hooks is not null)
        {
            errors.AddRange(type.Hooks.Validate(candidate, current));
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, Json.Name(candidate), errors);
        }
    }

    private static void ValidateName(ResourceType type, JsonObject obj, List<FieldError> errors)
    {
        var name = Json.Name(obj);
        var value = JsonValue.Create(name);
        switch (type.NameRule)
        {
            case NameRule.Subdomain when name.Length > 253:
                errors.Add(FieldError.Invalid("metadata.name", value, "must be no more than 253 characters"));
                break;
            case NameRule.Subdomain when !Subdomain().IsMatch(name):
                errors.Add(FieldError.Invalid("metadata.name", value,
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
                break;
            case NameRule.Label when name.Length > 63:
                errors.Add(FieldError.Invalid("metadata.name", value, "must be no more than 63 characters"));
                break;
            case NameRule.Label when !Label().IsMatch(name):
                errors.Add(FieldError.Invalid("metadata.name", value,
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
                break;
            case NameRule.PathSegment when name is "." or "..":
                errors.Add(FieldError.Invalid("metadata.name", value, $"may not be '{name}'"));
                break;
            case NameRule.PathSegment when name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal):
                errors.Add(FieldError.Invalid("metadata.name", value, $"may not contain '{(name.Contains('/', StringComparison.Ordinal) ? "/" : "%")}'"));
                break;
        }
    }

    private static void ValidateMetadata(JsonObject obj, List<FieldError> errors)
    {
        var metadata = Json.Metadata(obj);
        foreach (var field in new[] { "labels", "annotations" })
        {
            if (metadata[field] is JsonObject map)
            {
                foreach (var (key, value) in map)
                {
                    if (Json.Str(value) is null)
                    {
                        errors.Add(FieldError.TypeInvalid($"metadata.{field}.{key}", value, "must be a string"));
                    }
                }
            }
        }

        if (metadata["annotations"] is JsonObject annotations
            && annotations.Sum(p => Encoding.UTF8.GetByteCount(p.Key) + Encoding.UTF8.GetByteCount(Json.Str(p.Value) ?? "")) > MaxAnnotationBytes)
        {
            errors.Add(FieldError.TooLong("metadata.annotations", MaxAnnotationBytes));
        }
    }

    /// <summary>Drops unknown fields; Strict turns them into an error, Warn (the default) into Warning headers.</summary>
    private static void HandleUnknownFields(ResourceType type, JsonObject obj, WriteOptions options, Func<IReadOnlyList<string>, ApiException> strictError)
    {
        if (type.Schema is null)
        {
            return;
        }

        var unknown = type.Schema.Prune(obj);
        if (unknown.Count == 0 || options.FieldValidation == "Ignore")
        {
            return;
        }

        if (options.FieldValidation == "Strict")
        {
            throw strictError(unknown);
        }

        options.Warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
    }

    private static string StrictDecodingError(IReadOnlyList<string> unknown)
        => "strict decoding error: " + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""));

    /// <summary>How the real server refuses a body it cannot decode strictly (create and update).</summary>
    private static Func<IReadOnlyList<string>, ApiException> CreateDecodeError(ResourceType type)
        => unknown => ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {StrictDecodingError(unknown)}");

    /// <summary>Server-side apply converts the body to a typed object first, which fails on undeclared fields.</summary>
    private static Func<IReadOnlyList<string>, ApiException> ApplyDecodeError(ResourceType type)
        => unknown => ApiException.BadRequest(
            $"failed to create typed patch object ({type.ApiVersion}, Kind={type.Kind}): {string.Join(", ", unknown.Select(u => $".{u}: field not declared in schema"))}");

    private static void CheckTypeMeta(ResourceType type, JsonObject body)
    {
        var apiVersion = Json.Str(body["apiVersion"]);
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            // Another served version of the same resource is fine: conversion is "None".
            var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.LastIndexOf('/')] : "";
            if (group != type.Group)
            {
                throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
            }
        }

        var kind = Json.Str(body["kind"]);
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        body["apiVersion"] = type.ApiVersion;
        body["kind"] = type.Kind;
    }

    private static void ScopeNamespace(ResourceType type, string? ns, JsonObject metadata, bool check = true)
    {
        if (!type.Namespaced)
        {
            metadata.Remove("namespace");
            return;
        }

        var bodyNamespace = Json.Str(metadata["namespace"]);
        if (check && !string.IsNullOrEmpty(bodyNamespace) && bodyNamespace != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        metadata["namespace"] = ns;
    }

    private static JsonObject ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new PatchException("a merge patch must be a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PatchException($"the patch is not valid JSON: {e.Message}");
        }
    }

    /// <summary>All versions share one storage (conversion "None"): an object is served with the requested apiVersion.</summary>
    private static JsonObject AsVersion(ResourceType type, JsonObject obj)
    {
        obj["apiVersion"] = type.ApiVersion;
        return obj;
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
