namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// A benchmark's speeds also as model FLOP/s (<see cref="ModelFlops"/>) and as a fraction of this machine's large-GEMM
/// rate in the path's precision (<see cref="GemmRate"/>, measured in the same run): how far each path is from the limit.
/// </summary>
/// <param name="flopsPerUnit">Model FLOPs per unit the benchmark's rates count (position, target token, token).</param>
internal sealed class ModelFlopsReport(GemmRate gemm, double flopsPerUnit)
{
    public GemmRate Gemm => gemm;

    /// <summary>Whether a path name ("trainer-bf16", "raw-fp32", ...) trains in bf16.</summary>
    public static bool IsBFloat16(string path) => path.EndsWith("bf16", StringComparison.Ordinal);

    public double FlopsPerSecond(double unitsPerSecond) => unitsPerSecond * flopsPerUnit;

    public double OfGemm(double unitsPerSecond, bool bfloat16) => FlopsPerSecond(unitsPerSecond) / gemm.For(bfloat16);

    /// <summary>One line per path: GFLOP/s and its fraction of the GEMM rate of the path's precision.</summary>
    public void Print(IEnumerable<(string Path, double UnitsPerSecond, bool BFloat16)> paths)
    {
        Console.WriteLine($"model FLOP/s ({flopsPerUnit / 1e6:F2} MFLOP per unit: exact matmul FLOPs of the shapes, forward + backward); machine: {gemm}");
        foreach (var (path, rate, bf16) in paths)
            Console.WriteLine($"  {path,-13} {FlopsPerSecond(rate) / 1e9,7:F1} GFLOP/s = {OfGemm(rate, bf16):F3} of the {(bf16 ? "bf16" : "fp32")} GEMM");
    }

    /// <summary><paramref name="path"/>'s JSON with the keys it gains.</summary>
    public Dictionary<string, object?> Extend(Dictionary<string, object?> path, double unitsPerSecond, bool bfloat16)
    {
        path["model_gflops_per_s"] = Math.Round(FlopsPerSecond(unitsPerSecond) / 1e9, 2);
        path["of_gemm"] = Math.Round(OfGemm(unitsPerSecond, bfloat16), 3);
        return path;
    }

    /// <summary>The keys the benchmark's JSON line gains.</summary>
    public void AddTo(Dictionary<string, object> json)
    {
        json["gemm"] = gemm.ToJson();
        json["model_flops_per_unit"] = Math.Round(flopsPerUnit);
        json["model_flops_count"] = "exact matmul FLOPs of the model shapes, backward counted as 2x forward";
    }
}
