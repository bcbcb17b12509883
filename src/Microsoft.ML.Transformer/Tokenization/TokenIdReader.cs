using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Reads the token ids of a row's token column (Int32 ids or keys, see <see cref="TokenIdColumn"/>), trims trailing
/// padding and checks them against the vocabulary and max_len. The one per-row routine behind scoring blocks and
/// training batches, so both accept, reject and word their errors alike.
/// </summary>
internal sealed class TokenIdReader
{
    private readonly IExceptionContext _host;
    private readonly DataViewRow _row;
    private readonly DataViewSchema.Column _column;
    private readonly ValueGetter<VBuffer<int>>? _getIds;
    private readonly ValueGetter<VBuffer<uint>>? _getKeys;
    private readonly int _vocabularySize, _maxLength, _paddingId;
    private readonly bool _truncate;
    private VBuffer<int> _idBuffer;
    private VBuffer<uint> _keyBuffer;

    /// <param name="truncate">Cut rows longer than <paramref name="maxLength"/> (and set <see cref="Truncated"/>) instead of failing.</param>
    public TokenIdReader(IExceptionContext host, DataViewRow row, DataViewSchema.Column column, int vocabularySize, int maxLength, int paddingId,
        bool truncate = false)
    {
        _truncate = truncate;
        _host = host;
        _row = row;
        _column = column;
        (_vocabularySize, _maxLength, _paddingId) = (vocabularySize, maxLength, paddingId);
        if (column.Type.GetItemType() is KeyDataViewType) _getKeys = row.GetGetter<VBuffer<uint>>(column);
        else _getIds = row.GetGetter<VBuffer<int>>(column);
    }

    /// <summary>Whether the row last read was cut to max_len (only with truncation on).</summary>
    public bool Truncated { get; private set; }

    /// <summary>The current row's ids, trailing padding trimmed, as a new array (for rows kept beyond the cursor, as
    /// training's shuffle pool keeps them); <paramref name="scratch"/> holds max_len ids.</summary>
    public int[] ReadArray(long[] scratch)
    {
        int length = Read(scratch);
        var ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = (int)scratch[i];
        return ids;
    }

    /// <summary>
    /// Writes the current row's ids, trailing padding trimmed, to the start of <paramref name="target"/> (room for
    /// max_len ids; the rest is left as it is) and returns how many there are.
    /// </summary>
    public int Read(Span<long> target)
    {
        int length;
        if (_getKeys is null)
        {
            _getIds!(ref _idBuffer);
            if (!_idBuffer.IsDense) _idBuffer.CopyToDense(ref _idBuffer);   // implicit zeros are [PAD] (id 0)
            ReadOnlySpan<int> ids = _idBuffer.GetValues();
            length = ids.Length;
            while (length > 0 && ids[length - 1] == _paddingId) length--;
            length = CheckLength(length);
            for (int i = 0; i < length; i++) target[i] = Check(ids[i]);
        }
        else
        {
            _getKeys(ref _keyBuffer);
            if (!_keyBuffer.IsDense) _keyBuffer.CopyToDense(ref _keyBuffer);
            ReadOnlySpan<uint> keys = _keyBuffer.GetValues();
            // Key k is id k − 1; key 0 (a missing value) is treated as padding.
            length = keys.Length;
            while (length > 0 && (keys[length - 1] == 0 || keys[length - 1] - 1 == _paddingId)) length--;
            length = CheckLength(length);
            for (int i = 0; i < length; i++) target[i] = keys[i] == 0 ? _paddingId : Check(keys[i] - 1L);
        }
        return length;
    }

    /// <summary>More than max_len real tokens (trailing padding trimmed) is an error, or cut to max_len with truncation on.</summary>
    private int CheckLength(int count)
    {
        Truncated = _truncate && count > _maxLength;
        if (Truncated) return _maxLength;
        if (count > _maxLength)
            throw _host.Except($"Column '{_column.Name}', row {_row.Position}: {count} tokens, more than max_len {_maxLength}. " +
                "Lower the tokenizer's MaxLength or raise the model's.");
        return count;
    }

    private long Check(long id)
    {
        if ((ulong)id >= (ulong)_vocabularySize)
            throw _host.Except($"Column '{_column.Name}', row {_row.Position}: token id {id} is outside the vocabulary of {_vocabularySize} tokens " +
                $"(valid ids 0–{_vocabularySize - 1}). The tokenizer and the model do not share a vocabulary.");
        return id;
    }
}
