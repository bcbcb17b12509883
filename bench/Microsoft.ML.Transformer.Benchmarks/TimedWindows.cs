using System.Diagnostics;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>One contender of a timed comparison: a pass that returns how many tokens it processed, and the count
/// every pass must return.</summary>
internal sealed record TimedPath(string Name, Func<long> Pass, long TokensPerPass);

/// <summary>
/// The timing routine the benchmarks share: warm the paths up alternately, then time them in interleaved windows
/// (A B C, then C B A, then A B C, ...; a full GC before each window) and take the median rate of each path.
/// Only ratios between paths of the same run are meaningful on a noisy machine.
/// </summary>
internal static class TimedWindows
{
    /// <summary>Runs every path once per round, round after round, until <paramref name="duration"/> has passed and
    /// at least <paramref name="minimumRounds"/> rounds are done; returns the fastest pass of each path.</summary>
    public static TimeSpan[] WarmUp(IReadOnlyList<TimedPath> paths, TimeSpan duration, int minimumRounds = 1)
    {
        var fastest = Enumerable.Repeat(TimeSpan.MaxValue, paths.Count).ToArray();
        var watch = Stopwatch.StartNew();
        for (int round = 0; round < minimumRounds || watch.Elapsed < duration; round++)
            for (int i = 0; i < paths.Count; i++)
                fastest[i] = Min(fastest[i], TimePass(paths[i].Pass));
        return fastest;
    }

    /// <summary>How many passes make a window last at least <paramref name="minimumWindow"/>.</summary>
    public static int PassesPerWindow(TimeSpan fastestPass, TimeSpan minimumWindow)
        => (int)Math.Max(1, Math.Ceiling(minimumWindow / fastestPass));

    /// <summary>
    /// Times <paramref name="windows"/> windows per path, interleaved: the paths in order in even windows and in
    /// reverse order in odd ones, so that no path always runs first after the collection. A window of path i is
    /// <paramref name="passes"/>[i] passes, each checked to return <see cref="TimedPath.TokensPerPass"/>.
    /// Returns tokens per second, [path][window]; <paramref name="onWindow"/> gets each window's rates, in path order.
    /// </summary>
    public static double[][] Measure(IReadOnlyList<TimedPath> paths, IReadOnlyList<int> passes, int windows,
        Action<int, double[]>? onWindow = null)
    {
        var rates = paths.Select(_ => new double[windows]).ToArray();
        for (int w = 0; w < windows; w++)
        {
            IEnumerable<int> order = Enumerable.Range(0, paths.Count);
            foreach (int i in w % 2 == 0 ? order : order.Reverse())
                rates[i][w] = TimeWindow(paths[i], passes[i]);
            onWindow?.Invoke(w, rates.Select(r => r[w]).ToArray());
        }
        return rates;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>A full, blocking collection (finalizers included) before a timed window.</summary>
    public static void FullCollect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static double TimeWindow(TimedPath path, int passes)
    {
        FullCollect();
        var watch = Stopwatch.StartNew();
        for (int p = 0; p < passes; p++)
        {
            long tokens = path.Pass();
            if (tokens != path.TokensPerPass)
                throw new BenchmarkFailedException($"a timed pass of {path.Name} produced {tokens:N0} tokens instead of {path.TokensPerPass:N0}.");
        }
        return passes * path.TokensPerPass / watch.Elapsed.TotalSeconds;
    }

    private static TimeSpan TimePass(Func<long> pass)
    {
        var watch = Stopwatch.StartNew();
        pass();
        return watch.Elapsed;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
