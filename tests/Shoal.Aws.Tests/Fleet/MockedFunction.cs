namespace Shoal.Aws.Tests.Fleet;

/// <summary>
/// Karpenter's MockedFunction: one per faked call. Canned output or a sequence of outputs, otherwise the
/// fake's default behaviour; recorded inputs; an error for the first N calls. The fakes are built per test,
/// so there is no shared state to reset between tests.
/// </summary>
public sealed class MockedFunction<TInput, TOutput>
{
    private readonly object gate = new();
    private readonly Queue<TOutput> sequence = new();
    private readonly List<TInput> inputs = [];
    private Exception? error;
    private int errorsLeft;
    private bool hasOutput;
    private TOutput? output;

    public int Calls
    {
        get
        {
            lock (gate)
            {
                return inputs.Count;
            }
        }
    }

    public IReadOnlyList<TInput> Inputs
    {
        get
        {
            lock (gate)
            {
                return [.. inputs];
            }
        }
    }

    /// <summary>Every call answers this, whatever the input.</summary>
    public void Returns(TOutput value)
    {
        lock (gate)
        {
            output = value;
            hasOutput = true;
        }
    }

    /// <summary>The next calls answer these in turn, then the canned output or the default behaviour.</summary>
    public void ReturnsInTurn(params TOutput[] values)
    {
        lock (gate)
        {
            foreach (var value in values)
            {
                sequence.Enqueue(value);
            }
        }
    }

    /// <summary>The first <paramref name="calls"/> calls fail with the error (recorded all the same).</summary>
    public void FailsFirst(int calls, Exception value)
    {
        lock (gate)
        {
            error = value;
            errorsLeft = calls;
        }
    }

    public void FailsAlways(Exception value) => FailsFirst(int.MaxValue, value);

    public Task<TOutput> InvokeAsync(TInput input, Func<TInput, TOutput> behaviour)
    {
        lock (gate)
        {
            inputs.Add(input);
            if (errorsLeft > 0 && error is not null)
            {
                errorsLeft--;
                return Task.FromException<TOutput>(error);
            }

            if (sequence.Count > 0)
            {
                return Task.FromResult(sequence.Dequeue());
            }

            if (hasOutput)
            {
                return Task.FromResult(output!);
            }
        }

        try
        {
            return Task.FromResult(behaviour(input));
        }
        catch (Exception e)
        {
            return Task.FromException<TOutput>(e);
        }
    }
}
