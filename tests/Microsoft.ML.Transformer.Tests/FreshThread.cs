namespace Microsoft.ML.Transformer.Tests;

/// <summary>Work on a new thread, for tests of per-thread state (libtorch's thread count, the denormal mode).</summary>
internal static class FreshThread
{
    /// <summary>Runs <paramref name="work"/> on a thread of its own and returns its result.</summary>
    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }
}
