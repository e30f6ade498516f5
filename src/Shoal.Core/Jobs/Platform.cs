namespace Shoal.Core.Jobs;

public enum Platform
{
    Linux,
    Windows,
}
