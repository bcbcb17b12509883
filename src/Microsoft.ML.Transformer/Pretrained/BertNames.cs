namespace Microsoft.ML.Transformer.Pretrained;

/// <summary>BERT's names (<c>BertModel</c>, and the <c>bert.</c>-prefixed body of its task models) → ours.</summary>
internal static class BertNames
{
    public static CheckpointNameMap Map { get; } = new(
        ModelType: "bert",
        OptionalPrefix: "bert.",
        Embeddings:
        [
            ("embedding.tokens.weight", "embeddings.word_embeddings.weight"),
            ("embedding.positions.weight", "embeddings.position_embeddings.weight"),
            ("embedding.token_types.weight", "embeddings.token_type_embeddings.weight"),
            ("embedding.norm.weight", "embeddings.LayerNorm.weight"),
            ("embedding.norm.bias", "embeddings.LayerNorm.bias"),
        ],
        Layer: [.. LayerPairs()],
        Pooler: [("weight", "pooler.dense.weight"), ("bias", "pooler.dense.bias")],
        // position_ids is a constant buffer older exports save; cls.* and classifier.* are pretraining and task heads.
        IgnoredPrefixes: ["embeddings.position_ids", "cls.", "classifier."]);

    private static IEnumerable<(string, string)> LayerPairs()
    {
        (string Ours, string Theirs)[] modules =
        [
            ("self_attn.w_q", "attention.self.query"),
            ("self_attn.w_k", "attention.self.key"),
            ("self_attn.w_v", "attention.self.value"),
            ("self_attn.w_o", "attention.output.dense"),
            ("attn_sublayer.norm", "attention.output.LayerNorm"),
            ("feed_forward.w_1", "intermediate.dense"),
            ("feed_forward.w_2", "output.dense"),
            ("ff_sublayer.norm", "output.LayerNorm"),
        ];
        foreach (var (ours, theirs) in modules)
            foreach (string part in new[] { "weight", "bias" })
                yield return ($"encoder.layers.{{N}}.{ours}.{part}", $"encoder.layer.{{N}}.{theirs}.{part}");
    }
}
