using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Attention;

/// <summary>Checks and packs the one row an <see cref="IAttentionSource"/> records.</summary>
internal static class AttentionInput
{
    /// <summary>Throws <see cref="ArgumentException"/> for an id outside the vocabulary or a row longer than
    /// <paramref name="maxLength"/>, worded as scoring words them.</summary>
    public static void Check(ReadOnlySpan<int> ids, int vocabularySize, int maxLength, string model)
    {
        foreach (int id in ids)
            if ((uint)id >= (uint)vocabularySize)
                throw new ArgumentException($"Token id {id} is outside the {model}'s vocabulary of {vocabularySize} tokens: " +
                    "the tokenizer does not match the one the model was trained with.");
        if (ids.Length > maxLength)
            throw new ArgumentException($"The text makes {ids.Length} tokens, more than the {model}'s max_len {maxLength}. " +
                "Lower the tokenizer's MaxLength or raise the model's.");
    }

    /// <summary>One row of ids as an int64 tensor [1, L] on <paramref name="device"/>.</summary>
    public static Tensor Row(ReadOnlySpan<int> ids, Device device)
    {
        var row = new long[ids.Length];
        for (int i = 0; i < ids.Length; i++) row[i] = ids[i];
        return tensor(row, [1, ids.Length], device: device);
    }
}
