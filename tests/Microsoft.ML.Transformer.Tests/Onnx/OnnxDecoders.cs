using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using Microsoft.ML.Transformer.LanguageModel;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Seq2Seq;
using Microsoft.ML.Transformer.Tests.Modules;
using Microsoft.ML.Transformer.Tokenization;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>Small language and sequence-to-sequence models with every weight perturbed from its initial value, and
/// ONNX Runtime runs of their exported step files with named inputs.</summary>
internal static class OnnxDecoders
{
    /// <summary>The tiny module shape with both vocabularies of <see cref="OnnxClassifiers.Vocabulary"/> ids, and <paramref name="change"/> applied.</summary>
    public static TransformerConfig DecoderShape(Func<TransformerConfig, TransformerConfig> change)
        => change(TinyModels.Config() with { MaxLength = 24, SourceVocabularySize = Vocabulary, TargetVocabularySize = Vocabulary });

    public static LanguageModelTransformer NewLanguageModel(MLContext ml, TransformerConfig shape, int seed)
    {
        TokenizerTransformer tokenizer = Tokenizer(ml);
        var config = new LanguageModelConfig
        {
            PromptColumnName = "Text",
            CompletionColumnName = "Completion",
            Model = shape.Validate(),
            Tokenizer = TokenizerConfig.From(tokenizer).Item1,
            Generation = new GenerationOptions(),
            DefaultSeed = seed,
        };
        return new LanguageModelTransformer(ml, config, Perturbed(new DecoderOnlyModel(config.Model, seed), seed), tokenizer);
    }

    public static SequenceToSequenceTransformer NewSeq2Seq(MLContext ml, TransformerConfig shape, int seed)
    {
        TokenizerTransformer tokenizer = Tokenizer(ml);
        var config = new Seq2SeqConfig
        {
            SourceTokensColumnName = "SourceTokens",
            OutputColumnName = "Prediction",
            PredictedTokensColumnName = "PredictedTokens",
            Model = shape.Validate(),
            TargetTokenizer = TokenizerConfig.From(tokenizer).Item1,
            Decoding = new DecodingOptions(),
            SourceMaxLength = shape.MaxLength,
        };
        return new SequenceToSequenceTransformer(ml, config, Perturbed(new EncoderDecoder(config.Model, seed), seed), tokenizer);
    }

    /// <summary>A character tokenizer: these models' metadata needs one, their ids do not come from it.</summary>
    private static TokenizerTransformer Tokenizer(MLContext ml)
        => ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Character, MinimumFrequency = 1 })
            .Fit(ml.Data.LoadFromEnumerable(new[] { new OnnxMetadataTests.TextRow { Text = "abc" } }));

    /// <summary>A float, int64 or bool tensor for <see cref="Run"/>.</summary>
    public sealed record Input(Array Data, long[] Shape);

    public static Input Ids(long[] ids, int rows) => new(ids, [rows, ids.Length / rows]);

    /// <summary>One run of <paramref name="session"/>: every output, by name, as floats (bool outputs as 0 and 1).</summary>
    public static Dictionary<string, float[]> Run(InferenceSession session, Dictionary<string, Input> inputs)
    {
        var values = inputs.ToDictionary(p => p.Key, p => p.Value.Data switch
        {
            long[] ids => OrtValue.CreateTensorValueFromMemory(ids, p.Value.Shape),
            float[] floats => OrtValue.CreateTensorValueFromMemory(floats, p.Value.Shape),
            bool[] flags => OrtValue.CreateTensorValueFromMemory(flags, p.Value.Shape),
            var other => throw new ArgumentException($"No tensor of {other.GetType().Name}."),
        });
        try
        {
            using var runOptions = new RunOptions();
            string[] names = [.. session.OutputNames];
            using var outputs = session.Run(runOptions, values, names);
            var result = new Dictionary<string, float[]>();
            for (int i = 0; i < names.Length; i++)
                result[names[i]] = outputs[i].GetTensorTypeAndShape().ElementDataType == TensorElementType.Bool
                    ? [.. outputs[i].GetTensorDataAsSpan<bool>().ToArray().Select(b => b ? 1f : 0f)]
                    : outputs[i].GetTensorDataAsSpan<float>().ToArray();
            return result;
        }
        finally
        {
            foreach (OrtValue value in values.Values) value.Dispose();
        }
    }

    /// <summary>The past inputs of a step: each layer's keys and values from <paramref name="outputs"/>' presents, or of
    /// length 0 when <paramref name="outputs"/> is null.</summary>
    public static void AddPast(Dictionary<string, Input> inputs, TransformerConfig shape, int rows, Dictionary<string, float[]>? outputs)
    {
        for (int i = 0; i < shape.DecoderLayers; i++)
            foreach (string part in new[] { "key", "value" })
            {
                float[] past = outputs?[$"present_{part}_{i}"] ?? [];
                inputs[$"past_{part}_{i}"] = new(past, [rows, shape.Heads, past.Length / (rows * shape.ModelDimension), shape.HeadDimension]);
            }
    }

    /// <summary>The keys and values in the module's cache, and the presents of the ONNX step, at most this far apart.</summary>
    public static double CacheDifference(DecoderCache cache, Dictionary<string, float[]> outputs, int layers, string prefix = "present")
    {
        double difference = 0;
        for (int i = 0; i < layers; i++)
        {
            var (self, cross) = cache[i];
            AttentionCache attention = prefix == "cross" ? cross! : self;
            difference = Math.Max(difference, MaxAbsDifference(Floats(attention.Keys!), outputs[$"{prefix}_key_{i}"]));
            difference = Math.Max(difference, MaxAbsDifference(Floats(attention.Values!), outputs[$"{prefix}_value_{i}"]));
        }
        return difference;
    }

    public static float[] Floats(Tensor tensor) => tensor.contiguous().data<float>().ToArray();
}
