namespace Shoal.Aws.Interruptions;

public enum InterruptionAction
{
    /// <summary>Nothing to do (an instance entering pending or running).</summary>
    None,

    /// <summary>Stop giving the worker jobs and requeue its running job now, budget unspent; it retires.</summary>
    Interrupt,

    /// <summary>Let the running job finish, then retire (a replacement is launched if work remains).</summary>
    Drain,
}
