using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Cuts a token stream into training windows of context + 1 tokens (inputs x = w[0..T), targets y = w[1..T]), one step of
/// T apart, so that every token is a target once per epoch. Each epoch starts at a different random offset and visits the
/// windows in a random order (both fixed by the seed and the epoch), so the model sees other cuts every epoch.
/// </summary>
internal sealed class TokenWindows
{
    private readonly int[] _stream;
    private readonly int _context, _batchSize, _seed;

    public TokenWindows(int[] stream, int context, int batchSize, int seed) => (_stream, _context, _batchSize, _seed) = (stream, context, batchSize, seed);

    /// <summary>Windows that start at <paramref name="offset"/>.</summary>
    public long Count(int offset = 0) => Math.Max(0, (_stream.Length - 1 - offset) / _context);

    /// <summary>The shuffled batches of one epoch; with <paramref name="shuffle"/> false, offset 0 in order (evaluation).</summary>
    public IEnumerable<WindowBatch> Batches(int epoch, bool shuffle = true)
    {
        var random = new Random(unchecked(_seed * 31 + epoch * 7919 + 1));
        int offset = shuffle && Count(_context - 1) > 0 ? random.Next(_context) : 0;
        int[] starts = [.. Enumerable.Range(0, (int)Count(offset)).Select(i => offset + i * _context)];
        if (shuffle) random.Shuffle(starts);
        for (int b = 0; b < starts.Length; b += _batchSize)
        {
            int rows = Math.Min(_batchSize, starts.Length - b);
            var ids = new long[rows * (_context + 1)];
            for (int r = 0; r < rows; r++)
                for (int i = 0; i <= _context; i++) ids[r * (_context + 1) + i] = _stream[starts[b + r] + i];
            yield return new WindowBatch(ids, rows, _context);
        }
    }
}

/// <summary><see cref="Rows"/> windows of <see cref="Context"/> + 1 token ids, row-major.</summary>
internal sealed record WindowBatch(long[] Ids, int Rows, int Context)
{
    /// <summary>(inputs [rows, T], next-token targets [rows, T]) on <paramref name="device"/>.</summary>
    public (Tensor Inputs, Tensor Targets) ToTensors(Device device)
    {
        Tensor windows = tensor(Ids, [Rows, Context + 1], device: device);
        return (windows.narrow(1, 0, Context), windows.narrow(1, 1, Context));
    }

    public int Tokens => Rows * Context;
}
