// Enforces who may import whom (see README, "Architecture"). Each file belongs to a layer by its
// path; each layer lists the layers and packages it may reach. Relative imports are resolved, so
// `../../core/x` from the renderer is caught however it is spelled.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Layer of a file, by the longest matching folder prefix. */
const LAYERS = [
  ['src-main/common/', 'common'],
  ['src-main/core/', 'core'],
  ['src-main/transport/', 'transport'],
  ['src-main/electron/', 'electron'],
  ['src-main/preload/', 'preload'],
  ['src-main/', 'entry'],
  ['src-renderer/', 'renderer'],
];

/** For each layer: which layers it may import, and whether Node built-ins / npm packages are allowed. */
const RULES = {
  common: { layers: ['common'], node: false, packages: ['zod'] },
  core: { layers: ['common', 'core'], node: true, packages: 'any-but-electron' },
  transport: { layers: ['common', 'core', 'transport'], node: true, packages: 'any-but-electron' },
  entry: {
    layers: ['common', 'core', 'transport', 'entry'],
    node: true,
    packages: 'any-but-electron',
  },
  electron: { layers: ['common', 'core', 'transport', 'electron'], node: true, packages: 'any' },
  preload: { layers: ['common', 'preload'], node: false, packages: ['electron'] },
  renderer: { layers: ['common', 'renderer'], node: false, packages: ['svelte'] },
};

function layerOf(root, file) {
  const path = relative(root, file).split(sep).join('/');
  return LAYERS.find(([prefix]) => path.startsWith(prefix))?.[1];
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the import directions of the architecture.' },
    schema: [],
    messages: {
      layer: '{{from}} code may not import {{target}} ({{specifier}}).',
    },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = layerOf(root, file);
    if (!from) return {};
    const rule = RULES[from];

    function check(node, specifier) {
      if (typeof specifier !== 'string') return;
      let target;
      if (specifier.startsWith('.')) {
        target =
          layerOf(root, resolve(dirname(file), specifier)) ??
          'a file outside src-main/src-renderer';
        if (rule.layers.includes(target)) return;
        target = `the ${target} layer`;
      } else if (specifier.startsWith('$common')) {
        if (rule.layers.includes('common')) return;
        target = 'the common layer';
      } else if (NODE_BUILTINS.has(specifier) || specifier.startsWith('node:')) {
        if (rule.node) return;
        target = 'Node built-ins';
      } else {
        const name = packageName(specifier);
        const allowed =
          rule.packages === 'any' ||
          (rule.packages === 'any-but-electron' && name !== 'electron') ||
          (Array.isArray(rule.packages) && rule.packages.includes(name));
        if (allowed) return;
        target = `the package "${name}"`;
      }
      context.report({ node, messageId: 'layer', data: { from, target, specifier } });
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) =>
        node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
