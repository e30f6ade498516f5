namespace Shoal.Operator.Runtime;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}
