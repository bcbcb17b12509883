using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Tests.Modules;

/// <summary>Small configurations for fast math tests (dropout 0 so outputs are deterministic functions).</summary>
internal static class TinyModels
{
    public static TransformerConfig Config(bool normFirst = false, PositionalEncodingKind positional = PositionalEncodingKind.Sinusoidal) => new()
    {
        ModelDimension = 16,
        Heads = 4,
        EncoderLayers = 2,
        DecoderLayers = 2,
        FeedForwardDimension = 32,
        Dropout = 0,
        MaxLength = 32,
        NormFirst = normFirst,
        Positional = positional,
        SourceVocabularySize = 20,
        TargetVocabularySize = 23,
    };
}
