namespace Microsoft.ML.Transformer.Training;

/// <summary>How long a run trains: the epochs (as set, or chosen from the data size when
/// <see cref="TransformerTrainingOptions.Epochs"/> is unset) and the optimizer steps they make.</summary>
/// <param name="Epochs">Passes over the training data.</param>
/// <param name="StepsPerEpoch">Optimizer steps of one pass.</param>
/// <param name="Chosen">Whether <see cref="Epochs"/> was chosen here because the options left it unset.</param>
/// <param name="Defaults">The rule an unset Epochs follows (and the step count below which a run is called short).</param>
internal sealed record TrainingLength(int Epochs, long StepsPerEpoch, bool Chosen, TrainingDefaults Defaults)
{
    public long TotalSteps => StepsPerEpoch * Epochs;

    /// <summary>The length of a run of <paramref name="stepsPerEpoch"/> steps per epoch: <paramref name="epochs"/> when set,
    /// else the <paramref name="defaults"/>' epochs, raised until the run makes their minimum steps (within their maximum
    /// epochs). Default rule: <see cref="TrainingDefaults.FromScratch"/>.</summary>
    public static TrainingLength Plan(int? epochs, long stepsPerEpoch, TrainingDefaults? defaults = null)
    {
        defaults ??= TrainingDefaults.FromScratch;
        if (epochs is { } set) return new(set, stepsPerEpoch, Chosen: false, defaults);
        long needed = (defaults.MinimumSteps + Math.Max(stepsPerEpoch, 1) - 1) / Math.Max(stepsPerEpoch, 1);
        return new((int)Math.Clamp(needed, defaults.Epochs, defaults.MaximumEpochs), stepsPerEpoch, Chosen: true, defaults);
    }

    /// <summary>"3 epochs × about 84 optimizer steps (252 in all; <paramref name="detail"/>)", saying why when the epochs
    /// were chosen.</summary>
    public string Describe(string? detail = null)
        => $"{Epochs} epochs × about {StepsPerEpoch} optimizer steps ({TotalSteps} in all" +
           (Chosen ? $"; Epochs unset, {Defaults.Name}: at least {Defaults.Epochs} epochs and {Defaults.MinimumSteps:N0} steps, " +
                     $"at most {Defaults.MaximumEpochs} epochs" : "") +
           (detail is null ? ")" : $"; {detail})");

    /// <summary>A warning when the run is probably too short to learn much, else null.</summary>
    public string? ShortRunWarning()
        => TotalSteps >= Defaults.MinimumSteps ? null
            : $"Training makes only {TotalSteps} optimizer steps ({Epochs} epochs × {StepsPerEpoch}); a Transformer trained this " +
              $"briefly may have learned little ({Defaults.Name}, {Defaults.MinimumSteps:N0} steps are the aim). " + (Chosen
                ? $"The data is small for {Defaults.MinimumSteps:N0} steps in {Defaults.MaximumEpochs} epochs: add rows or lower BatchSize."
                : $"Leave Epochs unset (at least {Defaults.MinimumSteps:N0} steps) or raise it.");
}
