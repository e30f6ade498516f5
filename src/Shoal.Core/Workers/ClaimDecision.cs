using Shoal.Core.Jobs;

namespace Shoal.Core.Workers;

public sealed record ClaimDecision(ClaimKind Kind, JobRecord? Existing, JobRecord? Next);
