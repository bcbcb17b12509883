namespace Microsoft.ML.Transformer;

/// <summary>How a language model continues a prompt: one token at a time, sampled from the model's next-token
/// distribution reshaped by <see cref="Temperature"/>, <see cref="TopK"/> and <see cref="TopP"/>, with the decoder's
/// key/value cache so each new token costs one position.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens generated. Default 200.</summary>
    public int MaxNewTokens { get; init; } = 200;

    /// <summary>Divides the logits before the softmax: below 1 sharper (more conservative), above 1 flatter (more
    /// varied). 0 takes the most probable token every time (greedy, no randomness). Default 1.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Sample only among the k most probable tokens. Default null: all tokens.</summary>
    public int? TopK { get; init; }

    /// <summary>Nucleus sampling: sample only among the most probable tokens whose probabilities add up to p. Default
    /// null: all tokens.</summary>
    public float? TopP { get; init; }

    /// <summary>Seed of the sampling: the same seed, prompt and model give the same text. Default null: a seed drawn
    /// from the MLContext's random source when the model was trained.</summary>
    public int? Seed { get; init; }

    /// <summary>Stop when the model generates [EOS] (the end of a document in its training text). Default true.</summary>
    public bool StopAtEndOfSequence { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    internal GenerationOptions Validate()
    {
        if (MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "MaxNewTokens cannot be negative.");
        if (!(Temperature >= 0) || !float.IsFinite(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "Temperature must be a finite number ≥ 0.");
        if (TopK is < 1) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "TopK must be at least 1.");
        if (TopP is not null and not (> 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "TopP must be in (0, 1].");
        return this;
    }
}
