// Marks one ELF version requirement of libLibTorchSharp.so as weak so that hosts with an older libstdc++ can load it.
//
// TorchSharp 0.107's libLibTorchSharp.so (built with GCC 13) requires GLIBCXX_3.4.32 for exactly one symbol that is
// never called (_ZSt21ios_base_library_initv). Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so the dynamic loader
// refuses the library. Setting VER_FLG_WEAK (0x2) in that Vernaux entry of .gnu.version_r makes the loader accept it.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (TorchSharpNativeFix.targets) and, with
// ELF_PATCHER_ONLY defined, into the unit tests of the patcher.
#nullable enable
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
#if !ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PatchTorchSharpNative : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    /// <summary>Auto (patch only where the host libstdc++ lacks the version), Always, or Never.</summary>
    public string Mode { get; set; } = "Auto";
    public string VersionName { get; set; } = ElfVersionPatcher.DefaultVersionName;

    public override bool Execute()
    {
        if (string.Equals(Mode, "Never", StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(Mode, "Auto", StringComparison.OrdinalIgnoreCase))
        {
            string? reason = ElfVersionPatcher.WhyNoPatchIsNeeded(VersionName);
            if (reason != null)
            {
                Log.LogMessage(MessageImportance.Low, "TorchSharpNativeFix: " + reason);
                return true;
            }
        }
        foreach (ITaskItem item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                PatchResult result = ElfVersionPatcher.MarkVersionWeak(path, VersionName);
                Log.LogMessage(result == PatchResult.Patched ? MessageImportance.High : MessageImportance.Low,
                    "TorchSharpNativeFix: " + path + ": " + ElfVersionPatcher.Describe(result, VersionName));
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
            {
                Log.LogWarning("TorchSharpNativeFix: could not patch " + path + ": " + ex.Message);
            }
        }
        return true;
    }
}
#endif

public enum PatchResult { Patched, AlreadyWeak, NoSuchRequirement }

public static class ElfVersionPatcher
{
    public const string DefaultVersionName = "GLIBCXX_3.4.32";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/libstdc++.so.6",
    };

    /// <summary>Null when the host needs the patch; otherwise why it does not.</summary>
    public static string? WhyNoPatchIsNeeded(string versionName)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return "not Linux; no patch needed.";
        foreach (string candidate in LibStdCxxCandidates)
        {
            if (!File.Exists(candidate)) continue;
            return FileContains(candidate, Encoding.ASCII.GetBytes(versionName + "\0"))
                ? candidate + " provides " + versionName + "; no patch needed."
                : null;
        }
        return null; // no libstdc++ found where we looked: patching is harmless, so patch.
    }

    public static string Describe(PatchResult result, string versionName) => result switch
    {
        PatchResult.Patched => "marked " + versionName + " weak",
        PatchResult.AlreadyWeak => versionName + " already weak (nothing to do)",
        _ => "no " + versionName + " requirement (nothing to do)",
    };

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="versionName"/>; idempotent; keeps mtime.</summary>
    public static PatchResult MarkVersionWeak(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        long? flagsOffset = FindVernauxFlags(elf, versionName);
        if (flagsOffset is null) return PatchResult.NoSuchRequirement;
        ushort flags = ReadU16(elf, flagsOffset.Value);
        if ((flags & VerFlagWeak) != 0) return PatchResult.AlreadyWeak;

        flags |= VerFlagWeak;
        DateTime mtime = File.GetLastWriteTimeUtc(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = flagsOffset.Value;
            stream.WriteByte((byte)(flags & 0xff));
            stream.WriteByte((byte)(flags >> 8));
        }
        // Same mtime: incremental copies (SkipUnchangedFiles) then neither undo nor redo the patch.
        File.SetLastWriteTimeUtc(path, mtime);
        return PatchResult.Patched;
    }

    /// <summary>True when the named requirement exists and is weak.</summary>
    public static bool IsVersionWeak(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        long? flagsOffset = FindVernauxFlags(elf, versionName);
        return flagsOffset is not null && (ReadU16(elf, flagsOffset.Value) & VerFlagWeak) != 0;
    }

    /// <summary>File offset of vna_flags of the Vernaux entry with the given name, or null.</summary>
    public static long? FindVernauxFlags(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        long sectionTable = ReadI64(elf, 0x28);
        int sectionSize = ReadU16(elf, 0x3A);
        int sectionCount = ReadU16(elf, 0x3C);
        for (int s = 0; s < sectionCount; s++)
        {
            long header = sectionTable + (long)s * sectionSize;
            if (ReadU32(elf, header + 4) != ShtGnuVerneed) continue;

            long verneed = ReadI64(elf, header + 0x18);
            uint stringSection = ReadU32(elf, header + 0x28);
            uint needCount = ReadU32(elf, header + 0x2C);
            long strings = ReadI64(elf, sectionTable + (long)stringSection * sectionSize + 0x18);
            for (uint i = 0; i < needCount; i++)
            {
                int auxCount = ReadU16(elf, verneed + 2);
                long aux = verneed + ReadU32(elf, verneed + 8);
                for (int k = 0; k < auxCount; k++)
                {
                    if (ReadCString(elf, strings + ReadU32(elf, aux + 8)) == versionName) return aux + 4;
                    uint nextAux = ReadU32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = ReadU32(elf, verneed + 12);
                if (next == 0) break;
                verneed += next;
            }
        }
        return null;
    }

    private static void CheckRange(byte[] b, long offset, int size)
    {
        if (offset < 0 || offset + size > b.Length) throw new InvalidDataException("truncated or malformed ELF file");
    }

    private static ushort ReadU16(byte[] b, long o) { CheckRange(b, o, 2); return BitConverter.ToUInt16(b, (int)o); }
    private static uint ReadU32(byte[] b, long o) { CheckRange(b, o, 4); return BitConverter.ToUInt32(b, (int)o); }
    private static long ReadI64(byte[] b, long o) { CheckRange(b, o, 8); return BitConverter.ToInt64(b, (int)o); }

    private static string ReadCString(byte[] b, long start)
    {
        CheckRange(b, start, 1);
        long end = start;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
    }

    private static bool FileContains(string path, byte[] needle)
    {
        // Plain loop: MSBuild compiles this file against netstandard, without spans.
        byte[] hay = File.ReadAllBytes(path);
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
