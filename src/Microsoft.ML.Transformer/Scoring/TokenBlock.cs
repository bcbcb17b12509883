using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>
/// Token ids of a block of rows, read from a token column (Int32 ids or keys), checked against the vocabulary and
/// max_len, with trailing padding trimmed; becomes one [rows, longest] int64 tensor. Buffers are reused across blocks.
/// </summary>
internal sealed class TokenBlock
{
    private readonly IExceptionContext _host;
    private readonly DataViewRow _row;
    private readonly DataViewSchema.Column _column;
    private readonly ValueGetter<VBuffer<int>>? _getIds;
    private readonly ValueGetter<VBuffer<uint>>? _getKeys;
    private readonly int _vocabularySize, _maxLength, _paddingId;
    private readonly long[] _ids;
    private readonly int[] _lengths;
    private VBuffer<int> _idBuffer;
    private VBuffer<uint> _keyBuffer;

    public TokenBlock(IExceptionContext host, DataViewRow row, DataViewSchema.Column column, int capacity, int vocabularySize, int maxLength, int paddingId)
    {
        _host = host;
        _row = row;
        _column = column;
        (_vocabularySize, _maxLength, _paddingId) = (vocabularySize, maxLength, paddingId);
        if (column.Type.GetItemType() is KeyDataViewType) _getKeys = row.GetGetter<VBuffer<uint>>(column);
        else _getIds = row.GetGetter<VBuffer<int>>(column);
        _ids = new long[capacity * maxLength];
        _lengths = new int[capacity];
    }

    /// <summary>Tokens of the row in <paramref name="slot"/>, after trimming trailing padding.</summary>
    public int Length(int slot) => _lengths[slot];

    public void Load(int slot)
    {
        Span<long> target = _ids.AsSpan(slot * _maxLength, _maxLength);
        target.Fill(_paddingId);
        int length;
        if (_getKeys is null)
        {
            _getIds!(ref _idBuffer);
            if (!_idBuffer.IsDense) _idBuffer.CopyToDense(ref _idBuffer);   // implicit zeros are [PAD] (id 0)
            ReadOnlySpan<int> ids = _idBuffer.GetValues();
            length = ids.Length;
            while (length > 0 && ids[length - 1] == _paddingId) length--;
            CheckLength(length);
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
            CheckLength(length);
            for (int i = 0; i < length; i++) target[i] = keys[i] == 0 ? _paddingId : Check(keys[i] - 1L);
        }
        _lengths[slot] = length;
    }

    /// <summary>More than max_len real tokens (trailing padding trimmed) is an error.</summary>
    private void CheckLength(int count)
    {
        if (count > _maxLength)
            throw _host.Except($"Column '{_column.Name}', row {_row.Position}: {count} tokens, more than max_len {_maxLength}. " +
                "Lower the tokenizer's MaxLength or raise the model's.");
    }

    private long Check(long id)
    {
        if ((ulong)id >= (ulong)_vocabularySize)
            throw _host.Except($"Column '{_column.Name}', row {_row.Position}: token id {id} is outside the vocabulary of {_vocabularySize} tokens " +
                $"(valid ids 0–{_vocabularySize - 1}). The tokenizer and the model do not share a vocabulary.");
        return id;
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
