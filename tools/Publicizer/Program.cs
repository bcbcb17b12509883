// Publicizer <outDir> <assembly.dll>...
//
// Writes copies of the given assemblies in which every internal type and member is public and every
// `private protected` member is `protected` (so C# accepts `protected override` of ML.NET's abstract members).
// Nested types of any visibility become public; private methods and fields stay private (making them public would
// create ambiguities). Assembly identity is unchanged.
// The copies are for the compiler only; at run time the real assemblies load, and the library's
// [IgnoresAccessChecksTo] attributes tell the CLR to allow the access.
using Mono.Cecil;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Publicizer <outDir> <assembly.dll>...");
    return 2;
}

string outDir = args[0];
Directory.CreateDirectory(outDir);
foreach (string input in args.Skip(1))
{
    var resolver = new DefaultAssemblyResolver();
    resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
    using var assembly = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver });
    int changed = 0;
    foreach (TypeDefinition type in assembly.MainModule.GetTypes())
    {
        if (type.Name.Contains('<')) continue; // compiler-generated
        changed += PublicizeType(type);
        foreach (MethodDefinition method in type.Methods)
            if (!method.Name.Contains('<')) changed += PublicizeMethod(method);
        foreach (FieldDefinition field in type.Fields)
            if (!field.Name.Contains('<')) changed += PublicizeField(field);
    }
    string output = Path.Combine(outDir, Path.GetFileName(input));
    assembly.Write(output);
    Console.WriteLine($"Publicizer: {Path.GetFileName(input)} -> {output} ({changed} visibilities widened)");
}
return 0;

static int PublicizeType(TypeDefinition type)
{
    TypeAttributes visibility = type.Attributes & TypeAttributes.VisibilityMask;
    TypeAttributes wanted = type.IsNested ? TypeAttributes.NestedPublic : TypeAttributes.Public;
    bool hidden = type.IsNested ? visibility != TypeAttributes.NestedPublic : visibility == TypeAttributes.NotPublic;
    if (!hidden) return 0;
    type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | wanted;
    return 1;
}

static int PublicizeMethod(MethodDefinition method)
{
    MethodAttributes? widened = (method.Attributes & MethodAttributes.MemberAccessMask) switch
    {
        MethodAttributes.Assembly or MethodAttributes.FamORAssem => MethodAttributes.Public,
        MethodAttributes.FamANDAssem => MethodAttributes.Family,
        _ => null,
    };
    if (widened is not { } access) return 0;
    method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | access;
    return 1;
}

static int PublicizeField(FieldDefinition field)
{
    FieldAttributes? widened = (field.Attributes & FieldAttributes.FieldAccessMask) switch
    {
        FieldAttributes.Assembly or FieldAttributes.FamORAssem => FieldAttributes.Public,
        FieldAttributes.FamANDAssem => FieldAttributes.Family,
        _ => null,
    };
    if (widened is not { } access) return 0;
    field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | access;
    return 1;
}
