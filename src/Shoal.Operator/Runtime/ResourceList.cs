namespace Shoal.Operator.Runtime;

// ResourceVersion is the list's, not any item's: the point a watch resumes from without missing a change.
public sealed record ResourceList<T>(IReadOnlyList<T> Items, string ResourceVersion);
