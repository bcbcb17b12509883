namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// Detects two threads reading one row of the row-by-row path at once, as a <c>PredictionEngine</c> shared between
/// threads does. ML.NET's engine is not thread-safe: its input row and our per-row computation are one each, and a
/// shared engine gave wrong scores silently (285 of 800 in a test). Locking our part could not help, since the engine
/// itself swaps the input row under the caller; so use is checked and refused with what to do instead. Two signs: a
/// thread enters a getter while another is inside one, or a thread reads a row position that another thread computed
/// (the other's Predict moved the shared row). Use from one thread at a time, whichever, passes both.
/// </summary>
internal sealed class ConcurrentRowUse(string component)
{
    private int _owner;   // managed id of the thread inside a getter, 0 when none
    private int _depth;
    private long _claimedPosition = -1;
    private int _claimedBy;

    /// <summary><paramref name="getter"/> (a <c>ValueGetter&lt;T&gt;</c>) wrapped in the check.</summary>
    public Delegate Guard(Delegate getter)
    {
        Type value = getter.GetType().GetGenericArguments()[0];
        return (Delegate)typeof(ConcurrentRowUse).GetMethod(nameof(GuardTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(value).Invoke(this, [getter])!;
    }

    /// <summary>Records that the calling thread reads row <paramref name="position"/>; throws when another thread read it.</summary>
    public void Claim(long position)
    {
        int me = Environment.CurrentManagedThreadId;
        if (position == _claimedPosition && _claimedBy != me) throw Shared();
        (_claimedPosition, _claimedBy) = (position, me);
    }

    private ValueGetter<T> GuardTyped<T>(ValueGetter<T> getter) => (ref T value) =>
    {
        Enter();
        try
        {
            getter(ref value);
        }
        finally
        {
            Exit();
        }
    };

    private void Enter()
    {
        int me = Environment.CurrentManagedThreadId;
        int owner = Interlocked.CompareExchange(ref _owner, me, 0);
        if (owner != 0 && owner != me) throw Shared();
        _depth++;
    }

    private void Exit()
    {
        if (--_depth == 0) Volatile.Write(ref _owner, 0);
    }

    private InvalidOperationException Shared() => new(
        $"The {component} is being scored by two threads at once through one PredictionEngine (or one row cursor), which is " +
        "not thread-safe and would give wrong scores. Create one PredictionEngine per thread (they share the model's " +
        "weights), or score many rows at once with Transform on a data view, which is thread-safe (docs/classification.md, " +
        "\"Scoring from several threads\").");
}
