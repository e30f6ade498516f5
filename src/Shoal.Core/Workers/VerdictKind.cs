namespace Shoal.Core.Workers;

internal enum VerdictKind
{
    Success,
    JobFailure,
    Infrastructure,
}
