using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.ML.Transformer.LanguageModel;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The lm-generate workload: a model of the benchmark's shape briefly trained through the public estimator (a few steps
/// on the benchmark's text; its weights hardly change the work, since every call generates exactly
/// <see cref="NewTokens"/> tokens), a prompt tokenized as the model's Generate tokenizes it ([EOS] then its characters),
/// and greedy generation options (temperature 0, not stopping at [EOS]) so that the cached and uncached paths pick the
/// same tokens. Generation runs in float32, one prompt at a time, as <c>Generate</c> does.
/// </summary>
internal sealed class LanguageModelGenerateWorkload : IDisposable
{
    public LanguageModelGenerateWorkload(LanguageModelSettings settings, int trainSteps, string? dataPath, int newTokens, string? prompt)
    {
        (Settings, NewTokens) = (settings, newTokens);
        var ml = new MLContext(seed: settings.Seed);
        var watch = Stopwatch.StartNew();
        (string text, string source) = LanguageModelText.Load(dataPath, LanguageModelText.CharactersFor((long)trainSteps * settings.Batch, settings.Context),
            settings.Seed);
        Transformer = ml.Transforms.Text.TrainLanguageModel(LanguageModelText.Column, settings.EstimatorOptions(mixedPrecision: true))
            .Fit(ml.Data.LoadFromEnumerable([new TextRow { Text = text }]));
        if (Transformer.Config.Model != settings.Config(Transformer.Tokenizer.VocabularySize))
            throw new BenchmarkFailedException($"the estimator built {Transformer.Config.Model}, not {settings.Config(Transformer.Tokenizer.VocabularySize)}.");
        Preparation = $"trained {trainSteps} step(s) of batch {settings.Batch} on {source} through the estimator (bf16) in " +
            $"{watch.Elapsed.TotalSeconds:F1} s; training loss {Transformer.TrainingHistory[^1].TrainingLoss:F3}; vocabulary {Transformer.Tokenizer.VocabularySize}";
        Prompt = prompt ?? DefaultPrompt(text);
        PromptIds = TextGenerator.Prompt(Transformer.Tokenizer.Tokenizer, Prompt);
        Options = new GenerationOptions { MaxNewTokens = newTokens, Temperature = 0, StopAtEndOfSequence = false, Seed = settings.Seed };
    }

    public LanguageModelSettings Settings { get; }

    public int NewTokens { get; }

    public string Preparation { get; }

    public LanguageModelTransformer Transformer { get; }

    public string Prompt { get; }

    /// <summary>[EOS] then the prompt's tokens, as <c>Generate</c> starts.</summary>
    public List<int> PromptIds { get; }

    public GenerationOptions Options { get; }

    /// <summary>The first line of the text, up to 16 characters (all in the vocabulary, since the tokenizer was fitted on the text).</summary>
    private static string DefaultPrompt(string text)
    {
        var prompt = new StringBuilder();
        foreach (Rune rune in text.EnumerateRunes())
        {
            if (rune.Value == '\n' || prompt.Length >= 16) break;
            prompt.Append(rune.ToString());
        }
        return prompt.ToString();
    }

    /// <summary>One generation from the prompt: <see cref="NewTokens"/> tokens.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<int> Generate(bool useCache) => TextGenerator.Generate(Transformer.Model, PromptIds, Options, Settings.Seed, useCache);

    /// <summary>
    /// What one call runs through the model under TextGenerator's rule (the context starts as the prompt; when it reaches
    /// max_len it is cut to its last max_len / 2 tokens and the cache rebuilt from them): positions fed with the cache (the
    /// prompt, then one per step, plus the kept half at each rebuild) and without it (the whole context every step), and
    /// the number of rebuilds.
    /// </summary>
    public (long Cached, long Uncached, int Rebuilds) Positions()
    {
        int maxLength = Settings.Context, count = Math.Min(PromptIds.Count, maxLength), fed = 0, rebuilds = 0;
        long cached = 0, uncached = 0;
        for (int step = 0; step < NewTokens; step++)
        {
            if (count >= maxLength)
            {
                (count, fed) = (maxLength / 2, 0);
                rebuilds++;
            }
            cached += count - fed;
            uncached += count;
            fed = count++;
        }
        return (cached, uncached, rebuilds);
    }

    public void Dispose() => Transformer.Dispose();
}
