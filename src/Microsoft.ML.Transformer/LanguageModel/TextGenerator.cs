using System.Runtime.InteropServices;
using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.LanguageModel;

/// <summary>
/// Autoregressive generation: run the prompt once, then feed one new token per step. With the key/value cache each step
/// costs one position; without it every step re-runs the whole context (what the cache saves). When the context reaches
/// max_len the cache is rebuilt from the last half, since absolute positions cannot slide.
/// </summary>
internal static class TextGenerator
{
    /// <summary>The ids of one prompt as generation starts from it: the prompt's tokens; [EOS] (the start of a document)
    /// when it has none. A non-empty prompt is not prefixed with [EOS]: training windows start anywhere in the stream,
    /// while [EOS] precedes only the documents' starts (once in a single long text), so a prefix would put the model off
    /// its training distribution.</summary>
    public static List<int> Prompt(TextTokenizer tokenizer, ReadOnlySpan<char> prompt)
    {
        var ids = new List<int>();
        tokenizer.Encode(prompt, ids);
        if (ids.Count == 0) ids.Add(SpecialTokens.EndOfSequence);
        return ids;
    }

    public static List<int> Generate(DecoderOnlyModel model, List<int> prompt, GenerationOptions options, int seed, bool useCache = true,
        Func<bool>? cancelled = null)
    {
        int maxLength = model.Config.MaxLength;
        var context = new List<int>(prompt.Count > maxLength ? prompt.GetRange(prompt.Count - maxLength, maxLength) : prompt);
        var generated = new List<int>();
        var sampler = new TokenSampler(options, model.Config.TargetVocabularySize, seed);
        Device device = model.Device();
        using var inference = no_grad();
        DecoderCache? cache = null;
        try
        {
            int fed = 0;   // tokens of `context` already in the cache
            while (generated.Count < options.MaxNewTokens && cancelled?.Invoke() != true)
            {
                using var scope = NewDisposeScope();
                if (context.Count >= maxLength)
                {
                    context.RemoveRange(0, context.Count - maxLength / 2);
                    cache?.Dispose();
                    cache = null;
                    fed = 0;
                }
                if (useCache) cache ??= model.NewCache();
                int start = useCache ? fed : 0;
                long[] ids = [.. context.Skip(start).Select(t => (long)t)];
                Tensor logits = model.Logits(model.Forward(tensor(ids, [1, ids.Length], device: device), cache)).select(1, -1).squeeze(0);
                fed = context.Count;
                int next = sampler.Next(MemoryMarshal.Cast<byte, float>(logits.cpu().contiguous().bytes));
                if (next == SpecialTokens.EndOfSequence && options.StopAtEndOfSequence) break;
                generated.Add(next);
                context.Add(next);
            }
        }
        finally
        {
            cache?.Dispose();
        }
        return generated;
    }
}
