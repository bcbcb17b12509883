using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Transformer.Tests.Pretrained;

/// <summary>The shared all-MiniLM-L6-v2 checkpoint and its own ONNX export run by ONNX Runtime: an implementation no
/// one here wrote, used as the oracle for the imported encoder.</summary>
internal sealed class MiniLmOracle : IDisposable
{
    public const int Width = 384;

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer;

    private MiniLmOracle()
    {
        _session = new InferenceSession(Path.Combine(Folder, "model.onnx"));
        _tokenizer = BertTokenizer.Create(Path.Combine(Folder, "vocab.txt"), new BertOptions { LowerCaseBeforeTokenization = true });
    }

    public static string Folder => Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "models", "all-MiniLM-L6-v2"));

    /// <summary>The oracle, or a skipped test when the shared model is absent.</summary>
    public static MiniLmOracle OpenOrSkip()
    {
        SkipIfAbsent();
        return new MiniLmOracle();
    }

    public static void SkipIfAbsent()
    {
        if (!File.Exists(Path.Combine(Folder, "model.onnx")))
            Assert.Skip($"The shared checkpoint is absent ({Folder}); see shared/models/README.md.");
    }

    /// <summary>Microsoft.ML.Tokenizers' BERT tokenizer over the checkpoint's vocabulary: [CLS] … [SEP].</summary>
    public int[] Encode(string text)
        => _tokenizer.EncodeToIds(text, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true).ToArray();

    /// <summary>The batch right-padded with 0 to its longest row: ids and BERT's attention mask, both [rows, length].</summary>
    public static (long[] Ids, long[] Mask, int Length) Pad(IReadOnlyList<int[]> batch)
    {
        int length = batch.Max(t => t.Length);
        var ids = new long[batch.Count * length];
        var mask = new long[ids.Length];
        for (int b = 0; b < batch.Count; b++)
            for (int i = 0; i < batch[b].Length; i++) (ids[b * length + i], mask[b * length + i]) = (batch[b][i], 1);
        return (ids, mask, length);
    }

    /// <summary>ONNX Runtime's last_hidden_state, [rows, length, Width], token types 0.</summary>
    public float[] LastHiddenState(long[] ids, long[] mask, int length)
    {
        long[] shape = [ids.Length / length, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions,
            new Dictionary<string, OrtValue> { ["input_ids"] = idsValue, ["attention_mask"] = maskValue, ["token_type_ids"] = typesValue },
            ["last_hidden_state"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>sentence-transformers' sentence embedding computed from the oracle: last_hidden_state averaged over the
    /// attention mask, then scaled to unit L2 length.</summary>
    public float[] SentenceEmbedding(string text)
    {
        var (ids, mask, length) = Pad([Encode(text)]);
        float[] hidden = LastHiddenState(ids, mask, length);
        var mean = new double[Width];
        for (int p = 0; p < length; p++)
            for (int d = 0; d < Width; d++) mean[d] += hidden[p * Width + d] / length;
        double norm = Math.Sqrt(mean.Sum(v => v * v));
        return mean.Select(v => (float)(v / norm)).ToArray();
    }

    public void Dispose() => _session.Dispose();
}
