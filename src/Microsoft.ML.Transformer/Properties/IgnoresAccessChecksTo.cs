// The library derives from and calls ML.NET types that are internal (RowToRowTransformerBase, ModelLoadContext,
// LoadableClassAttribute, ...). The compiler sees them through publicized reference copies
// (build/PublicizeML.targets); these attributes tell CoreCLR to skip the access checks at run time.
// Keep the list in sync with PublicizeAssemblyNames. CoreCLR only: .NET Framework and Mono ignore this attribute.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        public string AssemblyName { get; }
    }
}
