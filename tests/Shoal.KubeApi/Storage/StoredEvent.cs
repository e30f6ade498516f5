using System.Text.Json.Nodes;

namespace Shoal.KubeApi.Storage;

/// <summary>
/// One change in the global history. Previous is the object before a MODIFIED change: a watcher with a
/// selector needs it to turn "stopped matching" into DELETED and "started matching" into ADDED.
/// </summary>
internal sealed record StoredEvent(long Revision, string Type, string StorageKey, JsonObject Object, JsonObject? Previous);
