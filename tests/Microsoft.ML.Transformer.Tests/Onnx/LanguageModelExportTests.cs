using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transformer.LanguageModel;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.LanguageModel;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxDecoders;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>A language model's exported step against the module with its cache: a padded batch of prompts, then two
/// steps with the presents as the past; and greedy generation through ONNX Runtime against the library's own, token
/// for token, on a model trained in the test and on the loader's fixture.</summary>
public class LanguageModelExportTests(TrainedLanguageModel trained) : IClassFixture<TrainedLanguageModel>
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Shapes() => new()
    {
        "post-LN, sinusoidal, ReLU, tied",
        "pre-LN, learned, GELU, untied",
        "pre-LN, concatenated sinusoids, 1 layer, 1 head, tied",
        "post-LN, no positions, GELU, untied",
    };

    private static TransformerConfig ShapeOf(string name) => DecoderShape(s => (s with { EncoderLayers = 0, SourceVocabularySize = 0 }) switch
    {
        var lm when name == "post-LN, sinusoidal, ReLU, tied" => lm with { TieOutputProjection = true },
        var lm when name == "pre-LN, learned, GELU, untied" => lm with
        {
            NormFirst = true, Positional = PositionalEncodingKind.Learned, Activation = FeedForwardActivation.Gelu,
        },
        var lm when name == "pre-LN, concatenated sinusoids, 1 layer, 1 head, tied" => lm with
        {
            NormFirst = true, Positional = PositionalEncodingKind.SinusoidalConcatenated, DecoderLayers = 1, Heads = 1, TieOutputProjection = true,
        },
        var lm when name == "post-LN, no positions, GELU, untied" => lm with { Positional = PositionalEncodingKind.None, Activation = FeedForwardActivation.Gelu },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    });

    /// <summary>Right-padded prompts of 7, 2 and 5 ids (past 0), then 2 new ids per row, then 1: the logits of every
    /// position and the keys and values of every layer agree with the module run with its cache.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void StepsWithTheCacheMatchTheModule(string shapeName)
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = ShapeOf(shapeName);
        using LanguageModelTransformer model = NewLanguageModel(ml, shape, seed: 4);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "lm.onnx");
        ml.Model.ExportToOnnx(model, file);

        const int rows = 3;
        int[][] prompts = [[5, 9, 11, 30, 2, 7, 7], [12, 4], [8, 8, 21, 39, 16]];
        var (promptIds, _) = Pad(prompts, shape.PaddingId);
        long[][] steps = [promptIds, [13, 1, 17, 22, 6, 3], [25, 10, 36]];

        using var session = new InferenceSession(file);
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        using DecoderCache cache = model.Model.NewCache();
        Dictionary<string, float[]>? outputs = null;
        double difference = 0;
        foreach (long[] ids in steps)
        {
            var inputs = new Dictionary<string, Input> { ["input_ids"] = Ids(ids, rows) };
            AddPast(inputs, shape, rows, outputs);
            outputs = Run(session, inputs);
            float[] expected = Floats(model.Model.Logits(model.Model.Forward(tensor(ids, [rows, ids.Length / rows]), cache)));
            difference = Math.Max(difference, Math.Max(MaxAbsDifference(expected, outputs["logits"]), CacheDifference(cache, outputs, shape.DecoderLayers)));
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{shapeName}: max |ONNX − module| over 3 steps = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − module| = {difference:G3} exceeds {Tolerance}");
    }

    /// <summary>Greedy continuations past the context length (so the context is cut to its last half and run again),
    /// from a prompt, from an empty prompt, and stopping at [EOS].</summary>
    [Theory]
    [InlineData("the dog sat", 40, false)]
    [InlineData("", 40, false)]
    [InlineData("the owl", 60, true)]
    public void GreedyGenerationMatchesTheLibraryTokenForToken(string prompt, int tokens, bool stopAtEndOfSequence)
    {
        LanguageModelTransformer model = trained.Model;
        string file = Path.Combine(TestPaths.NewTempDirectory(), "lm.onnx");
        trained.Ml.Model.ExportToOnnx(model, file);
        var options = new GenerationOptions { MaxNewTokens = tokens, Temperature = 0, StopAtEndOfSequence = stopAtEndOfSequence };
        List<int> expected = model.GenerateIds(prompt, options);

        using var session = new InferenceSession(file);
        List<int> actual = OnnxGreedyDecoding.Generate(session, TextGenerator.Prompt(model.Tokenizer.Tokenizer, prompt), tokens, stopAtEndOfSequence);
        TestContext.Current.TestOutputHelper?.WriteLine($"'{prompt}' → '{model.Tokenizer.Decode([.. expected])}' ({expected.Count} tokens, context {model.ContextLength})");
        Assert.Equal(expected, actual);
        Assert.True(expected.Distinct().Count() > 3, "the trained model writes more than a repeated token");
    }

    /// <summary>A language model trained and saved by an earlier version (the loader's fixture), loaded, exported and
    /// generating as loaded; its tokenizer and the id of [EOS] in the metadata.</summary>
    [Fact]
    public void TrainedFixtureGeneratesAsLoaded()
    {
        var ml = new MLContext(seed: 1);
        var model = Assert.IsType<LanguageModelTransformer>(ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "languagemodel-format1.zip"), out _));
        string file = Path.Combine(TestPaths.NewTempDirectory(), "lm.onnx");
        ml.Model.ExportToOnnx(model, file);
        var options = new GenerationOptions { MaxNewTokens = 30, Temperature = 0, StopAtEndOfSequence = false };

        using var session = new InferenceSession(file);
        Assert.Equal(model.GenerateIds("a", options), OnnxGreedyDecoding.Generate(session, TextGenerator.Prompt(model.Tokenizer.Tokenizer, "a"), 30, false));
        IReadOnlyDictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("language_model", metadata["mltransformer.kind"]);
        Assert.Equal($"{SpecialTokens.EndOfSequence}", metadata["mltransformer.end_of_sequence_id"]);
        Assert.Equal(model.Tokenizer.Tokenizer.VocabularySize, System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["mltransformer.tokenizer.tokens"])!.Length);
    }
}

/// <summary>The greedy loop of docs/onnx.md is the code these tests run.</summary>
public partial class OnnxDocumentedLoopTests
{
    /// <summary>The block after <c>&lt;!-- code: …/OnnxGreedyDecoding.cs --&gt;</c> stands in that file, indented as a class member.</summary>
    [Fact]
    public void DocumentedGreedyLoopIsTheTestedCode()
    {
        const string file = "tests/Microsoft.ML.Transformer.Tests/Onnx/OnnxGreedyDecoding.cs";
        Match block = CodeBlock().Match(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "onnx.md")));
        Assert.True(block.Success && block.Groups["file"].Value == file, $"docs/onnx.md has no code block of {file}");
        string indented = string.Join('\n', block.Groups["body"].Value.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));
        Assert.Contains(indented, File.ReadAllText(Path.Combine(TestPaths.RepoRoot, file)).ReplaceLineEndings("\n"));
    }

    [GeneratedRegex(@"<!-- code: (?<file>\S+) -->\r?\n```csharp\r?\n(?<body>.*?)\r?\n```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}

/// <summary>A small character-level language model trained on the rhymes for three short epochs, its context 16 tokens.</summary>
public sealed class TrainedLanguageModel : IDisposable
{
    public TrainedLanguageModel()
    {
        Ml = new MLContext(seed: 1);
        LanguageModelOptions options = LanguageModelData.Options(epochs: 3);
        options.ContextLength = 16;
        options.Shape = options.Shape with { ModelDimension = 32, Heads = 2, FeedForwardDimension = 64 };
        options.LearningRate = 3e-3;
        Model = Ml.Transforms.Text.TrainLanguageModel("Text", options).Fit(Ml.Data.LoadFromEnumerable(LanguageModelData.Rhymes(300, seed: 1)));
    }

    public MLContext Ml { get; }

    public LanguageModelTransformer Model { get; }

    public void Dispose() => Model.Dispose();
}
