using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretrained;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Pretrained;

/// <summary>
/// The imported all-MiniLM-L6-v2 against its own ONNX export run by ONNX Runtime: an implementation no one here wrote.
/// Padded batches of mixed lengths cover the key-padding mask and both CPU attention paths (written out up to 64 keys,
/// fused above).
/// </summary>
public class OnnxOracleTests(ITestOutputHelper output)
{
    private const int BatchSize = 8;
    private const double Tolerance = 1e-4;

    private static string ModelFolder => Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "models", "all-MiniLM-L6-v2"));

    [Fact]
    public void LastHiddenStateMatchesOnnxRuntime()
    {
        if (!File.Exists(Path.Combine(ModelFolder, "model.onnx")))
            Assert.Skip($"The shared checkpoint is absent ({ModelFolder}); see shared/models/README.md.");
        var tokenizer = BertTokenizer.Create(Path.Combine(ModelFolder, "vocab.txt"), new BertOptions { LowerCaseBeforeTokenization = true });
        List<int[]> texts = Texts().Select(t => tokenizer.EncodeToIds(t, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true).ToArray()).ToList();
        Assert.True(texts.Count >= 64);

        var (_, model) = PretrainedEncoder.Load(ModelFolder);
        using (model)
        using (var session = new InferenceSession(Path.Combine(ModelFolder, "model.onnx")))
        {
            double worst = 0;
            for (int start = 0; start < texts.Count; start += BatchSize)
                worst = Math.Max(worst, CompareBatch(model, session, texts.Skip(start).Take(BatchSize).ToList()));
            output.WriteLine($"max_abs_diff {worst:E2} over {texts.Count} texts ({texts.Min(t => t.Length)}–{texts.Max(t => t.Length)} tokens)");
            Assert.True(worst <= Tolerance, $"max abs difference {worst:E2} > {Tolerance:E0}");
        }
    }

    /// <summary>The largest |ours − ONNX| of last_hidden_state over the batch's real (non-padding) positions.</summary>
    private static double CompareBatch(TransformerEncoderModel model, InferenceSession session, List<int[]> batch)
    {
        int length = batch.Max(t => t.Length), width = 384;
        var ids = new long[batch.Count * length];
        var mask = new long[ids.Length];
        for (int b = 0; b < batch.Count; b++)
            for (int i = 0; i < batch[b].Length; i++) (ids[b * length + i], mask[b * length + i]) = (batch[b][i], 1);
        long[] shape = [batch.Count, length];

        float[] theirs;
        using (var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape))
        using (var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape))
        using (var typesValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape))
        using (var runOptions = new RunOptions())
        using (var outputs = session.Run(runOptions,
            new Dictionary<string, OrtValue> { ["input_ids"] = idsValue, ["attention_mask"] = maskValue, ["token_type_ids"] = typesValue },
            ["last_hidden_state"]))
            theirs = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        float[] ours;
        using (var scope = NewDisposeScope())
        using (no_grad())
            ours = model.Forward(tensor(ids, shape)).Hidden.contiguous().data<float>().ToArray();

        double worst = 0;
        for (int p = 0; p < ids.Length; p++)
            if (mask[p] == 1)
                for (int d = 0; d < width; d++)
                    worst = Math.Max(worst, Math.Abs(ours[p * width + d] - theirs[p * width + d]));
        return worst;
    }

    /// <summary>72 texts from 1 to about 120 words, in an order that mixes lengths inside each batch.</summary>
    private static IEnumerable<string> Texts()
    {
        string[] sentences =
        [
            "The film was a delight from start to finish.",
            "I would not recommend this restaurant to anyone.",
            "What is the capital city of Australia?",
            "Transformers replace recurrence with attention over every position.",
            "It rained all week, so we stayed inside and read books.",
            "The quick brown fox jumps over the lazy dog.",
            "How many moons does Jupiter have, and who discovered them?",
            "Prices rose sharply after the announcement on Tuesday.",
            "She plays the cello in a small orchestra downtown.",
        ];
        for (int i = 0; i < 72; i++)
        {
            int words = 1 + (i * 37 % 120);
            var text = string.Join(' ', Enumerable.Range(i, 40).Select(k => sentences[k % sentences.Length])).Split(' ').Take(words);
            yield return string.Join(' ', text);
        }
    }
}
