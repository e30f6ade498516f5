namespace Shoal.Operator.Runtime;

// The coordination.k8s.io Lease that elects the one replica running the controllers. Defaults are
// client-go's (15 s / 10 s / 2 s): a dead leader is replaced within about LeaseDuration + RetryPeriod.
public sealed class LeaderElectionOptions
{
    public string LeaseName { get; set; } = "shoal-operator";

    // Usually the operator's own namespace (POD_NAMESPACE from the downward API).
    public string Namespace { get; set; } = "";

    // Unique per replica: usually the pod name (HOSTNAME).
    public string Identity { get; set; } = "";

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    // Each problem says what to set; empty when the options are usable.
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(LeaseName))
        {
            problems.Add("LeaseName is empty: name the Lease object, e.g. shoal-operator");
        }

        if (string.IsNullOrWhiteSpace(Namespace))
        {
            problems.Add("Namespace is empty: set it to the namespace the operator runs in (POD_NAMESPACE from the downward API)");
        }

        if (string.IsNullOrWhiteSpace(Identity))
        {
            problems.Add("Identity is empty: set it to something unique per replica, such as the pod name (HOSTNAME)");
        }

        if (RetryPeriod <= TimeSpan.Zero)
        {
            problems.Add($"RetryPeriod must be positive (is {RetryPeriod})");
        }

        // The elector retries a renewal every RetryPeriod (with up to 20% jitter) until RenewDeadline.
        if (RenewDeadline <= RetryPeriod * 1.2)
        {
            problems.Add($"RenewDeadline ({RenewDeadline}) must be longer than 1.2 x RetryPeriod ({RetryPeriod}), or a single slow renewal loses the lease");
        }

        if (LeaseDuration <= RenewDeadline)
        {
            problems.Add($"LeaseDuration ({LeaseDuration}) must be longer than RenewDeadline ({RenewDeadline}), or another replica may take the lease while this one still leads");
        }

        return problems;
    }
}
