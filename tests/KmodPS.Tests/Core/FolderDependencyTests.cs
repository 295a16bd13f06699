using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace KmodPS.Tests.Core;

/// <summary>
/// The folders of KmodPS.Core (namespaces KmodPS.&lt;Folder&gt;) point one way: no folder depends, through any chain,
/// on itself. Dependencies are read from the compiled assembly, not the source: base types, interfaces, fields,
/// signatures, attributes and every type, method and field a method body names in its IL.
/// </summary>
public sealed class FolderDependencyTests
{
    [Fact]
    public void CoreFoldersHaveNoCycles()
    {
        var graph = FolderGraph.Read(typeof(KmodPS.Core.Platform.ISystemRoot).Assembly.Location);

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, "Folder cycles in KmodPS.Core:\n" + string.Join("\n", cycles.Select(graph.Explain)));
    }

    [Fact]
    public void KernelVersionsAreALeaf()
    {
        var graph = FolderGraph.Read(typeof(KmodPS.Core.Platform.ISystemRoot).Assembly.Location);

        Assert.Empty(graph.DependenciesOf("Kernels"));
    }

    [Fact]
    public void EachCycleIsNamedOnceFromItsFirstFolder()
    {
        var graph = new FolderGraph();
        graph.Add("Hosts", "Kernels");
        graph.Add("Kernels", "Packages");
        graph.Add("Packages", "Locks");
        graph.Add("Locks", "Packages");
        graph.Add("Locks", "Platform");

        var cycle = Assert.Single(graph.Cycles());

        Assert.Equal(new[] { "Locks", "Packages", "Locks" }, cycle);
        graph.Add("Packages", "Hosts");
        Assert.Equal(new[] { new[] { "Hosts", "Kernels", "Packages", "Hosts" }, new[] { "Locks", "Packages", "Locks" } }, graph.Cycles());
    }

    private sealed class FolderGraph
    {
        private const string Prefix = "KmodPS.";
        private readonly SortedDictionary<string, SortedSet<string>> _edges = new(StringComparer.Ordinal);
        private readonly Dictionary<(string From, string To), SortedSet<string>> _reasons = new();

        /// <summary>A cycle, then for each of its steps the types that make it.</summary>
        public string Explain(IReadOnlyList<string> cycle)
            => string.Join(" → ", cycle) + string.Concat(cycle.Zip(cycle.Skip(1))
                .Select(step => $"\n    {step.First} → {step.Second}: " + string.Join(", ", _reasons.TryGetValue(step, out var r) ? r : Enumerable.Empty<string>())));

        public void Add(string from, string to)
        {
            if (from == to) return;
            Edges(from).Add(to);
            Edges(to);
        }

        private SortedSet<string> Edges(string folder)
        {
            if (!_edges.TryGetValue(folder, out var set)) _edges[folder] = set = new SortedSet<string>(StringComparer.Ordinal);
            return set;
        }

        /// <summary>The other folders a folder depends on, each with the types that make the dependency.</summary>
        public IReadOnlyList<string> DependenciesOf(string folder)
            => _reasons.Where(r => r.Key.From == folder).Select(r => $"{r.Key.To}: {string.Join(", ", r.Value)}").ToList();

        /// <summary>
        /// For every folder on a cycle, the shortest cycle through it (each cycle once, starting at its first folder in
        /// ordinal order), as a path that starts and ends at the same folder.
        /// </summary>
        public IReadOnlyList<IReadOnlyList<string>> Cycles()
        {
            var cycles = new List<IReadOnlyList<string>>();
            foreach (var component in StronglyConnectedComponents().Where(c => c.Count > 1))
            {
                foreach (var folder in component.Order(StringComparer.Ordinal))
                {
                    var cycle = Canonical(ShortestCycleThrough(folder, component));
                    if (!cycles.Any(c => c.SequenceEqual(cycle))) cycles.Add(cycle);
                }
            }
            return cycles;
        }

        private static IReadOnlyList<string> Canonical(IReadOnlyList<string> cycle)
        {
            var open = cycle.Take(cycle.Count - 1).ToList();
            var start = open.IndexOf(open.Min(StringComparer.Ordinal)!);
            var rotated = open.Skip(start).Concat(open.Take(start)).ToList();
            rotated.Add(rotated[0]);
            return rotated;
        }

        private IReadOnlyList<string> ShortestCycleThrough(string start, ISet<string> component)
        {
            var previous = new Dictionary<string, string>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                foreach (var next in _edges[node].Where(component.Contains))
                {
                    if (next == start)
                    {
                        var path = new List<string> { start };
                        for (var n = node; n != start; n = previous[n]) path.Add(n);
                        path.Add(start);
                        path.Reverse();
                        return path;
                    }
                    if (previous.TryAdd(next, node)) queue.Enqueue(next);
                }
            }
            throw new InvalidOperationException("A strongly connected component has a cycle through each of its nodes.");
        }

        private List<ISet<string>> StronglyConnectedComponents()
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var low = new Dictionary<string, int>(StringComparer.Ordinal);
            var stack = new Stack<string>();
            var onStack = new HashSet<string>(StringComparer.Ordinal);
            var components = new List<ISet<string>>();

            void Visit(string node)
            {
                index[node] = low[node] = index.Count;
                stack.Push(node);
                onStack.Add(node);
                foreach (var next in _edges[node])
                {
                    if (!index.ContainsKey(next)) { Visit(next); low[node] = Math.Min(low[node], low[next]); }
                    else if (onStack.Contains(next)) low[node] = Math.Min(low[node], index[next]);
                }
                if (low[node] != index[node]) return;
                var component = new HashSet<string>(StringComparer.Ordinal);
                string member;
                do { member = stack.Pop(); onStack.Remove(member); component.Add(member); } while (member != node);
                components.Add(component);
            }

            foreach (var node in _edges.Keys) if (!index.ContainsKey(node)) Visit(node);
            return components;
        }

        public static FolderGraph Read(string assemblyPath)
        {
            using var stream = File.OpenRead(assemblyPath);
            using var pe = new PEReader(stream);
            var reader = pe.GetMetadataReader();
            var graph = new FolderGraph();
            var collector = new TypeCollector(reader);

            foreach (var handle in reader.TypeDefinitions)
            {
                var (folder, topLevel) = FolderOf(reader, handle);
                if (folder is null) continue;
                var referenced = new HashSet<TypeDefinitionHandle>();
                collector.CollectFromType(handle, referenced, pe);
                foreach (var target in referenced)
                {
                    var (to, toType) = FolderOf(reader, target);
                    if (to is null || to == folder) continue;
                    graph.Add(folder, to);
                    if (!graph._reasons.TryGetValue((folder, to), out var reasons)) graph._reasons[(folder, to)] = reasons = new SortedSet<string>(StringComparer.Ordinal);
                    reasons.Add($"{topLevel}→{toType}");
                }
                graph.Edges(folder);
            }
            return graph;
        }

        /// <summary>The folder (namespace under KmodPS) of a type, nested types taking their outermost type's.</summary>
        private static (string? Folder, string TopLevel) FolderOf(MetadataReader reader, TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.IsNested) type = reader.GetTypeDefinition(type.GetDeclaringType());
            var ns = reader.GetString(type.Namespace);
            var name = reader.GetString(type.Name);
            if (!ns.StartsWith(Prefix, StringComparison.Ordinal)) return (null, name);
            var rest = ns[Prefix.Length..];
            var dot = rest.IndexOf('.');
            return (dot < 0 ? rest : rest[..dot], name);
        }
    }

    /// <summary>Collects the assembly's own types that one type names anywhere: signatures, attributes and IL.</summary>
    private sealed class TypeCollector : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value);

        private readonly MetadataReader _reader;

        public TypeCollector(MetadataReader reader) => _reader = reader;

        public void CollectFromType(TypeDefinitionHandle handle, HashSet<TypeDefinitionHandle> into, PEReader pe)
        {
            var type = _reader.GetTypeDefinition(handle);
            AddType(type.BaseType, into);
            foreach (var i in type.GetInterfaceImplementations()) AddType(_reader.GetInterfaceImplementation(i).Interface, into);
            AddAttributes(type.GetCustomAttributes(), into);
            foreach (var g in type.GetGenericParameters()) AddGenericParameter(g, into);
            foreach (var f in type.GetFields())
            {
                var field = _reader.GetFieldDefinition(f);
                into.UnionWith(field.DecodeSignature(this, null));
                AddAttributes(field.GetCustomAttributes(), into);
            }
            foreach (var p in type.GetProperties())
            {
                var property = _reader.GetPropertyDefinition(p);
                AddSignature(property.DecodeSignature(this, null), into);
                AddAttributes(property.GetCustomAttributes(), into);
            }
            foreach (var e in type.GetEvents()) AddType(_reader.GetEventDefinition(e).Type, into);
            foreach (var m in type.GetMethods())
            {
                var method = _reader.GetMethodDefinition(m);
                AddSignature(method.DecodeSignature(this, null), into);
                AddAttributes(method.GetCustomAttributes(), into);
                foreach (var g in method.GetGenericParameters()) AddGenericParameter(g, into);
                foreach (var p in method.GetParameters()) AddAttributes(_reader.GetParameter(p).GetCustomAttributes(), into);
                if (method.RelativeVirtualAddress != 0) AddBody(pe.GetMethodBody(method.RelativeVirtualAddress), into);
            }
        }

        private void AddBody(MethodBodyBlock body, HashSet<TypeDefinitionHandle> into)
        {
            if (!body.LocalSignature.IsNil)
            {
                var locals = _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
                foreach (var local in locals) into.UnionWith(local);
            }
            foreach (var region in body.ExceptionRegions) if (!region.CatchType.IsNil) AddType(region.CatchType, into);

            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short value = il.ReadByte();
                if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
                var opCode = OpCodesByValue[value];
                switch (opCode.OperandType)
                {
                    case OperandType.InlineNone: break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                    case OperandType.InlineVar: il.Offset += 2; break;
                    case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString: il.Offset += 4; break;
                    case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineSig:
                        var sig = _reader.GetStandaloneSignature((StandaloneSignatureHandle)MetadataTokens.EntityHandle(il.ReadInt32()));
                        AddSignature(sig.DecodeMethodSignature(this, null), into);
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                        AddToken(MetadataTokens.EntityHandle(il.ReadInt32()), into);
                        break;
                    default: throw new InvalidOperationException($"Unknown operand type {opCode.OperandType} of {opCode.Name}.");
                }
            }
        }

        private void AddToken(EntityHandle handle, HashSet<TypeDefinitionHandle> into)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification:
                    AddType(handle, into);
                    break;
                case HandleKind.FieldDefinition:
                    var field = _reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                    into.Add(field.GetDeclaringType());
                    into.UnionWith(field.DecodeSignature(this, null));
                    break;
                case HandleKind.MethodDefinition:
                    var method = _reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    into.Add(method.GetDeclaringType());
                    AddSignature(method.DecodeSignature(this, null), into);
                    break;
                case HandleKind.MemberReference:
                    var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddToken(member.Parent, into);
                    if (member.GetKind() == MemberReferenceKind.Method) AddSignature(member.DecodeMethodSignature(this, null), into);
                    else into.UnionWith(member.DecodeFieldSignature(this, null));
                    break;
                case HandleKind.MethodSpecification:
                    var spec = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddToken(spec.Method, into);
                    foreach (var argument in spec.DecodeSignature(this, null)) into.UnionWith(argument);
                    break;
            }
        }

        private void AddType(EntityHandle handle, HashSet<TypeDefinitionHandle> into)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: into.Add((TypeDefinitionHandle)handle); break;
                case HandleKind.TypeSpecification: into.UnionWith(_reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null)); break;
            }
        }

        private void AddSignature(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature, HashSet<TypeDefinitionHandle> into)
        {
            into.UnionWith(signature.ReturnType);
            foreach (var p in signature.ParameterTypes) into.UnionWith(p);
        }

        private void AddGenericParameter(GenericParameterHandle handle, HashSet<TypeDefinitionHandle> into)
        {
            foreach (var c in _reader.GetGenericParameter(handle).GetConstraints()) AddType(_reader.GetGenericParameterConstraint(c).Type, into);
        }

        private void AddAttributes(CustomAttributeHandleCollection attributes, HashSet<TypeDefinitionHandle> into)
        {
            foreach (var a in attributes) AddToken(_reader.GetCustomAttribute(a).Constructor, into);
        }

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => ImmutableArray.Create(handle);
        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => ImmutableArray<TypeDefinitionHandle>.Empty;
        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => ImmutableArray<TypeDefinitionHandle>.Empty;
        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments)
            => genericType.AddRange(typeArguments.SelectMany(a => a));
        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? context, int index) => ImmutableArray<TypeDefinitionHandle>.Empty;
        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? context, int index) => ImmutableArray<TypeDefinitionHandle>.Empty;
        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature)
            => signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(p => p));
        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
