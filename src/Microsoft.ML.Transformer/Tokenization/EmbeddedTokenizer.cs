using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// A tokenizer saved inside a model component (sequence-to-sequence targets, language models): its config goes into the
/// component's config, its tensors (BPE merges) into the component's tensors under a prefix.
/// </summary>
internal static class EmbeddedTokenizer
{
    /// <summary>Adds the tokenizer's tensors, renamed with <paramref name="prefix"/>, to <paramref name="tensors"/> and
    /// returns its config.</summary>
    public static TokenizerConfig Export(TokenizerTransformer tokenizer, string prefix, List<TensorData> tensors)
    {
        var (config, tokenizerTensors) = TokenizerConfig.From(tokenizer);
        tensors.AddRange(tokenizerTensors.Select(t => t.Rename(prefix + t.Name)));
        return config;
    }

    /// <summary>Splits a loaded component's tensors into the model's and the tokenizer's (prefix removed), and rebuilds
    /// the tokenizer; a tokenizer whose vocabulary is not <paramref name="vocabularySize"/> is a format error.</summary>
    public static (TensorSet Model, TokenizerTransformer Tokenizer) Import<TConfig>(IHostEnvironment env, SavedComponent<TConfig> saved,
        TokenizerConfig config, string prefix, int vocabularySize)
    {
        List<TensorData> all = saved.Tensors.TakeAll();
        string where = $"{saved.Source}: tokenizer";
        var tokenizerTensors = new TensorSet(all.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t.Rename(t.Name[prefix.Length..])), where);
        TextTokenizer tokenizer = config.CreateTokenizer(tokenizerTensors, where);
        if (tokenizer.VocabularySize != vocabularySize)
            throw new ModelFormatException($"{where} has {tokenizer.VocabularySize} tokens but the model's vocabulary is {vocabularySize}.");
        var model = new TensorSet(all.Where(t => !t.Name.StartsWith(prefix, StringComparison.Ordinal)), saved.Source);
        return (model, ModelFormatException.ThrowIfInvalid(where, "the saved settings",
            () => new TokenizerTransformer(env, config.OutputColumnName, config.InputColumnName, config.Options, tokenizer)));
    }
}
