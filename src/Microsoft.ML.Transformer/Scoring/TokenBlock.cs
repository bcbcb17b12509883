using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// Token ids of a block of rows, read from a token column by <see cref="TokenIdReader"/> (checked against the
/// vocabulary and max_len, trailing padding trimmed); becomes one [rows, longest] int64 tensor. Buffers are reused
/// across blocks.
/// </summary>
internal sealed class TokenBlock
{
    private readonly TokenIdReader _reader;
    private readonly int _maxLength, _paddingId;
    private readonly long[] _ids;
    private readonly int[] _lengths;

    /// <param name="truncate">Cut rows longer than <paramref name="maxLength"/> instead of failing.</param>
    public TokenBlock(IExceptionContext host, DataViewRow row, DataViewSchema.Column column, int capacity, int vocabularySize, int maxLength, int paddingId,
        bool truncate = false)
    {
        _reader = new TokenIdReader(host, row, column, vocabularySize, maxLength, paddingId, truncate);
        (_maxLength, _paddingId) = (maxLength, paddingId);
        _ids = new long[capacity * maxLength];
        _lengths = new int[capacity];
    }

    public void Load(int slot)
    {
        Span<long> target = _ids.AsSpan(slot * _maxLength, _maxLength);
        target.Fill(_paddingId);
        _lengths[slot] = _reader.Read(target);
    }

    /// <summary>Token count of the row in <paramref name="slot"/>.</summary>
    public int LengthOf(int slot) => _lengths[slot];

    /// <summary>The rows in <paramref name="slots"/>, in that order, as an int64 tensor [rows, their longest length (at least 1)].</summary>
    public Tensor ToTensor(ReadOnlySpan<int> slots)
    {
        int longest = 1;
        foreach (int slot in slots) longest = Math.Max(longest, _lengths[slot]);
        var ids = new long[slots.Length * longest];
        for (int i = 0; i < slots.Length; i++) _ids.AsSpan(slots[i] * _maxLength, longest).CopyTo(ids.AsSpan(i * longest, longest));
        return tensor(ids, [slots.Length, longest]);
    }

    /// <summary>The first <paramref name="count"/> rows as an int64 tensor [count, longest length (at least 1)].</summary>
    public Tensor ToTensor(int count)
    {
        int longest = 1;
        for (int i = 0; i < count; i++) longest = Math.Max(longest, _lengths[i]);
        using Tensor all = tensor(_ids, [_lengths.Length, _maxLength]);
        return all.narrow(0, 0, count).narrow(1, 0, longest).contiguous();
    }
}
