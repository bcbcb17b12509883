using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>
/// Greedy decoding through exported files with ONNX Runtime alone: the examples of docs/onnx.md, as code the tests
/// run. Nothing here uses the library; what a loop needs (the ids to start and stop with, max_len, the cache's shape)
/// is read from the files.
/// </summary>
internal static class OnnxGreedyDecoding
{
    /// <summary>Continues <paramref name="prompt"/> (token ids; [EOS] alone for an empty prompt) by the most probable
    /// token at each step, as <c>LanguageModelTransformer.Generate</c> does at temperature 0: the prompt runs once, then
    /// one token per step with the cache; when the context reaches max_len, its last half is run again from an empty
    /// cache (absolute positions cannot slide).</summary>
    public static List<int> Generate(InferenceSession step, IReadOnlyList<int> prompt, int maxNewTokens, bool stopAtEndOfSequence = true)
    {
        IReadOnlyDictionary<string, string> metadata = step.ModelMetadata.CustomMetadataMap;
        int maxLength = int.Parse(metadata["mltransformer.max_length"], CultureInfo.InvariantCulture);
        int endOfSequence = int.Parse(metadata["mltransformer.end_of_sequence_id"], CultureInfo.InvariantCulture);
        var context = new List<int>(prompt.Skip(Math.Max(0, prompt.Count - maxLength)));
        var generated = new List<int>();
        using var runOptions = new RunOptions();
        using var emptyCache = EmptyCache(step, batch: 1);
        IDisposableReadOnlyCollection<OrtValue>? previous = null;   // the last step's outputs: its presents are the next past
        try
        {
            int fed = 0;   // tokens of the context already in the cache
            while (generated.Count < maxNewTokens)
            {
                if (context.Count >= maxLength)
                {
                    context.RemoveRange(0, context.Count - maxLength / 2);
                    previous?.Dispose();
                    previous = null;
                    fed = 0;
                }
                long[] ids = [.. context.Skip(fed).Select(t => (long)t)];
                using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
                previous = Step(step, runOptions, new() { ["input_ids"] = inputIds }, previous, emptyCache);
                fed = context.Count;

                ReadOnlySpan<float> logits = previous[0].GetTensorDataAsSpan<float>();   // [1, new, V]: the last position's row
                int vocabulary = (int)previous[0].GetTensorTypeAndShape().Shape[2];
                int next = ArgMax(logits[^vocabulary..]);
                if (next == endOfSequence && stopAtEndOfSequence) break;
                generated.Add(next);
                context.Add(next);
            }
        }
        finally
        {
            previous?.Dispose();
        }
        return generated;
    }

    /// <summary>Runs one step with <paramref name="inputs"/> and the past: the presents of <paramref name="previous"/>
    /// (the last step's outputs, disposed once used), or <paramref name="emptyCache"/> for the first step.</summary>
    /// <returns>The outputs <c>logits</c>, <c>present_key_0</c>, <c>present_value_0</c>, <c>present_key_1</c>, ….</returns>
    private static IDisposableReadOnlyCollection<OrtValue> Step(InferenceSession step, RunOptions runOptions, Dictionary<string, OrtValue> inputs,
        IDisposableReadOnlyCollection<OrtValue>? previous, OrtValue emptyCache)
    {
        int layers = step.InputNames.Count(name => name.StartsWith("past_key_", StringComparison.Ordinal));
        for (int i = 0; i < layers; i++)
        {
            inputs[$"past_key_{i}"] = previous?[1 + 2 * i] ?? emptyCache;
            inputs[$"past_value_{i}"] = previous?[2 + 2 * i] ?? emptyCache;
        }
        string[] outputNames = ["logits", .. Enumerable.Range(0, layers).SelectMany(i => new[] { $"present_key_{i}", $"present_value_{i}" })];
        IDisposableReadOnlyCollection<OrtValue> outputs = step.Run(runOptions, inputs, outputNames);
        previous?.Dispose();
        return outputs;
    }

    /// <summary>A past of length 0: [batch, h, 0, d_k], h and d_k as the step's <c>past_key_0</c> input declares them.</summary>
    private static OrtValue EmptyCache(InferenceSession step, int batch)
    {
        int[] dimensions = step.InputMetadata["past_key_0"].Dimensions;   // [batch, h, past, d_k]; -1 for the dynamic axes
        return OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [batch, dimensions[1], 0, dimensions[3]]);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>Greedy translation of a batch of sources (token ids [rows, length], right-padded with the padding id),
    /// as <c>SequenceToSequenceTransformer</c> decodes with beam size 1: the encoder runs once; the decoder step starts
    /// every row from [BOS] and feeds each row's newest token until every row has written [EOS] or the most tokens the
    /// model writes (metadata <c>mltransformer.max_output_tokens</c>).</summary>
    /// <returns>Each row's tokens, [EOS] not included.</returns>
    public static List<int>[] Translate(InferenceSession encoder, InferenceSession decoder, long[] sourceIds, int rows)
    {
        IReadOnlyDictionary<string, string> metadata = decoder.ModelMetadata.CustomMetadataMap;
        int beginOfSequence = int.Parse(metadata["mltransformer.begin_of_sequence_id"], CultureInfo.InvariantCulture);
        int endOfSequence = int.Parse(metadata["mltransformer.end_of_sequence_id"], CultureInfo.InvariantCulture);
        int maxTokens = int.Parse(metadata["mltransformer.max_output_tokens"], CultureInfo.InvariantCulture);
        int layers = decoder.InputNames.Count(name => name.StartsWith("past_key_", StringComparison.Ordinal));
        string[] sourceInputs = ["source_mask", .. Enumerable.Range(0, layers).SelectMany(i => new[] { $"cross_key_{i}", $"cross_value_{i}" })];

        using var runOptions = new RunOptions();
        using var source = OrtValue.CreateTensorValueFromMemory(sourceIds, [rows, sourceIds.Length / rows]);
        using var encoded = encoder.Run(runOptions, new Dictionary<string, OrtValue> { ["input_ids"] = source }, sourceInputs);
        using var emptyCache = EmptyCache(decoder, rows);

        var tokens = new List<int>[rows];
        for (int r = 0; r < rows; r++) tokens[r] = [];
        var finished = new bool[rows];
        var next = new long[rows];
        Array.Fill(next, beginOfSequence);
        IDisposableReadOnlyCollection<OrtValue>? previous = null;
        try
        {
            for (int t = 0; t < maxTokens && finished.Contains(false); t++)
            {
                using var inputIds = OrtValue.CreateTensorValueFromMemory(next, [rows, 1]);
                var inputs = new Dictionary<string, OrtValue> { ["input_ids"] = inputIds };
                for (int i = 0; i < sourceInputs.Length; i++) inputs[sourceInputs[i]] = encoded[i];
                previous = Step(decoder, runOptions, inputs, previous, emptyCache);

                ReadOnlySpan<float> logits = previous[0].GetTensorDataAsSpan<float>();   // [rows, 1, V]
                int vocabulary = logits.Length / rows;
                for (int r = 0; r < rows; r++)
                {
                    if (finished[r]) continue;   // a finished row goes on being fed its last token; its output is not read
                    int token = ArgMax(logits.Slice(r * vocabulary, vocabulary));
                    if (token == endOfSequence) finished[r] = true;
                    else
                    {
                        tokens[r].Add(token);
                        next[r] = token;
                    }
                }
            }
        }
        finally
        {
            previous?.Dispose();
        }
        return tokens;
    }
}
