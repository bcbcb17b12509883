namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>
/// Training draws its dropout masks from libtorch's process-wide generator (reseeded per epoch), so runs that must be
/// bit-identical cannot share the process with other trainings: these classes run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTraining
{
    public const string Name = "Serial training (global torch RNG)";
}
