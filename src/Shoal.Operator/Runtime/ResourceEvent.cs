namespace Shoal.Operator.Runtime;

// For Bookmark, Resource carries only metadata.resourceVersion: the server saying "nothing for you up to here".
public sealed record ResourceEvent<T>(WatchEventType Type, T Resource);
