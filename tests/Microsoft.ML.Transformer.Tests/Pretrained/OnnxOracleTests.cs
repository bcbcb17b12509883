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

    [Fact]
    public void LastHiddenStateMatchesOnnxRuntime()
    {
        using var oracle = MiniLmOracle.OpenOrSkip();
        List<int[]> texts = Texts().Select(oracle.Encode).ToList();
        Assert.True(texts.Count >= 64);

        var (_, model) = CheckpointImporter.Load(MiniLmOracle.Folder);
        using (model)
        {
            double worst = 0;
            for (int start = 0; start < texts.Count; start += BatchSize)
                worst = Math.Max(worst, CompareBatch(model, oracle, texts.Skip(start).Take(BatchSize).ToList()));
            output.WriteLine($"max_abs_diff {worst:E2} over {texts.Count} texts ({texts.Min(t => t.Length)}–{texts.Max(t => t.Length)} tokens)");
            Assert.True(worst <= Tolerance, $"max abs difference {worst:E2} > {Tolerance:E0}");
        }
    }

    /// <summary>The largest |ours − ONNX| of last_hidden_state over the batch's real (non-padding) positions.</summary>
    private static double CompareBatch(TransformerEncoderModel model, MiniLmOracle oracle, List<int[]> batch)
    {
        var (ids, mask, length) = MiniLmOracle.Pad(batch);
        long[] shape = [batch.Count, length];
        float[] theirs = oracle.LastHiddenState(ids, mask, length);
        const int width = MiniLmOracle.Width;

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
