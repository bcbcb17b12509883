using Microsoft.ML.Transformer.Attention;

namespace Microsoft.ML.Transformer;

/// <summary>
/// The attention weights of a trained Transformer on one input: for each kind of attention the model has
/// (<see cref="Kinds"/>), each layer and each head, the matrix softmax(QKᵀ/√d_k) after masking, with the query
/// tokens as rows and the key tokens as columns. Get one with
/// <see cref="AttentionExtensions.GetAttention(ITransformer, string)"/>; draw it with <see cref="SavePng"/> (a layer ×
/// head grid of heatmaps) or <see cref="SaveHtml"/> (an interactive page). Layers and heads are numbered from 0.
/// </summary>
/// <remarks>Token labels are <see cref="TextTokenizer.IdToToken"/> made readable: a byte-level BPE token is shown as
/// its text, with a space written '▁' (so GPT-2's "Ġanimal" reads "▁animal"), a line break '↵', a tab '⇥', and a byte
/// that is only part of a UTF-8 character as &lt;0xNN&gt;. Special tokens keep their names ([CLS], [BOS], [EOS]).
/// Trailing [PAD]s are left out.</remarks>
public sealed class AttentionMap
{
    private readonly Dictionary<AttentionKind, AttentionRecord> _records;

    internal AttentionMap(string text, AttentionRecording recording)
    {
        if (recording.Records.Count == 0) throw new ArgumentException("The model recorded no attention.", nameof(recording));
        _records = recording.Records.ToDictionary(r => r.Kind);
        Kinds = [.. _records.Keys.Order()];
        Heads = recording.Records[0].Heads;
        Text = text;
        Output = recording.Output;
    }

    /// <summary>The input text.</summary>
    public string Text { get; }

    /// <summary>The text the model produced from the input (a sequence-to-sequence model's decoded output; the decoder
    /// tokens of the map are this output's tokens after [BOS]), or null for a model that does not generate.</summary>
    public string? Output { get; }

    /// <summary>The kinds of attention the model has, in the order encoder self, decoder self, encoder–decoder.</summary>
    public IReadOnlyList<AttentionKind> Kinds { get; }

    /// <summary>Heads per layer (the same for every kind).</summary>
    public int Heads { get; }

    /// <summary>Number of layers with attention of <paramref name="kind"/>.</summary>
    public int Layers(AttentionKind kind) => Record(kind).Layers.Length;

    /// <summary>The tokens whose attention a row of <see cref="Weights"/> shows: the encoder's input for
    /// <see cref="AttentionKind.EncoderSelf"/>; the decoder's input ([BOS] and the generated tokens) for
    /// <see cref="AttentionKind.DecoderSelf"/> and <see cref="AttentionKind.EncoderDecoder"/>.</summary>
    public IReadOnlyList<string> QueryTokens(AttentionKind kind) => Record(kind).QueryTokens;

    /// <summary>The tokens attended to, one per column of <see cref="Weights"/>: the same as <see cref="QueryTokens"/>
    /// for self-attention, the source tokens for <see cref="AttentionKind.EncoderDecoder"/>.</summary>
    public IReadOnlyList<string> KeyTokens(AttentionKind kind) => Record(kind).KeyTokens;

    /// <summary>A copy of one head's weights [query, key]: each row is a probability distribution over the keys
    /// (sums to 1); masked keys (later positions in decoder self-attention) are 0.</summary>
    public float[,] Weights(AttentionKind kind, int layer, int head)
    {
        AttentionRecord record = Record(kind);
        if ((uint)layer >= (uint)record.Layers.Length)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"{kind} attention has layers 0…{record.Layers.Length - 1}.");
        if ((uint)head >= (uint)Heads)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"The model has heads 0…{Heads - 1}.");
        int queries = record.QueryTokens.Length, keys = record.KeyTokens.Length;
        var weights = new float[queries, keys];
        ReadOnlySpan<float> source = record.Layers[layer].AsSpan(head * queries * keys, queries * keys);
        for (int q = 0; q < queries; q++)
            for (int k = 0; k < keys; k++) weights[q, k] = source[q * keys + k];
        return weights;
    }

    /// <summary>Writes a PNG: one heatmap per layer and head (rows: the layers of each kind in turn, columns: the
    /// heads), queries down the side, keys along the bottom, white = 0 to dark blue = 1.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="panelSize">Width and height of one heatmap in pixels; the image is
    /// <c>Heads · panelSize</c> wide and <c>(total layers) · panelSize</c> high.</param>
    public void SavePng(string path, int panelSize = 360)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(panelSize, 120);
        AttentionPng.Save(this, path, panelSize);
    }

    /// <summary>Writes one self-contained HTML page (styles, script and weights inline; nothing is fetched when it is
    /// viewed): pick a token and see which tokens each head attends to, or look at the weight matrices of a layer.</summary>
    public void SaveHtml(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToHtml());
    }

    /// <summary>The page <see cref="SaveHtml"/> writes.</summary>
    public string ToHtml() => AttentionHtml.Page(this);

    internal AttentionRecord Record(AttentionKind kind)
        => _records.TryGetValue(kind, out AttentionRecord? record) ? record
            : throw new ArgumentException($"The model has no {kind} attention; it has {string.Join(", ", Kinds)}.", nameof(kind));
}
