/**
 * The layering rules of ../shared/DESIGN.md ("Layout" and "Layers (what may import what)"), checked by
 * dependency-cruiser in CI (`npm run lint:deps`). Each rule is named after the sentence it enforces and
 * quotes it in `comment`. A violation is reported once, under the most specific rule.
 *
 * Layers, from the ground up (DESIGN.md): contracts → foundation (config, safety, the brain, stores) →
 * dialogue and tickets → the core pipeline and the desk presenter → adapters and pages → runtime.
 * When a module moves between layers (the contracts module of issue 14, the core's public index), change
 * the paths here, not the rules.
 */

/** The dependency-free module every part shares: `src/contracts/` (issue 14). */
const CONTRACTS = '^src/contracts/';
/** What adapters may import of the core: its public index (and the contracts it re-exports). */
const CORE_PUBLIC_INDEX = `^src/core/index\\.ts$|${CONTRACTS}`;
/** The foundation: configuration, safety, the logger, the brain and the stores. */
const FOUNDATION = '^src/(config|safety|nlu|db|types)/|^src/log\\.ts$';
/** What the brain may use besides itself: the contracts, configuration (its thresholds) and safety. */
const PURE = ['^src/(config|safety|nlu|types)/', CONTRACTS];
/** Conversation (dialogue) and tickets (escalation): one layer, they may use each other. */
const DIALOGUE_AND_TICKETS = '^src/(dialogue|escalation)/';
/** The runtime, which wires everything: the bot process and the command line. */
const RUNTIME = '^src/(main\\.ts|cli\\.ts|cli/)';
/**
 * The core pipeline and the desk presenter (`src/core`, `src/server`, `src/services.ts`, ...) are the rest of
 * `src/`, so a new folder falls under the upward rules without being listed here.
 */
const BELOW_CORE_PIPELINE = [CONTRACTS, FOUNDATION, DIALOGUE_AND_TICKETS];
/** The channels (and the pages they serve). */
const ADAPTERS = '^adapters/';
/** The database and its drivers. */
const DATABASE = ['^src/db/', '(^|/)node_modules/(drizzle-orm|better-sqlite3)/'];
/** Platform SDKs: Telegram (grammY), Discord (discord.js), Teams (Bot Framework). */
const PLATFORM_SDKS = '(^|/)node_modules/(grammy|@grammyjs/[^/]+|discord\\.js|@discordjs/[^/]+|botbuilder[^/]*|botframework-[^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-never-imports-a-platform-sdk',
      comment: 'DESIGN.md, Layout: "The core never imports a platform SDK." Only adapters/* speak grammY, discord.js or botbuilder.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/escalation/' },
      to: { path: PLATFORM_SDKS },
    },
    {
      name: 'core-never-imports-an-adapter',
      comment:
        'DESIGN.md, Layout: "the core never imports an adapter (an adapter registers itself through the interface the runtime passes around)"; ' +
        '"src/main.ts and src/cli.ts wire everything", so the runtime may.',
      severity: 'error',
      from: { path: '^src/', pathNot: [RUNTIME, '^src/escalation/'] },
      to: { path: ADAPTERS },
    },
    {
      name: 'escalation-reaches-channels-only-through-the-interface',
      comment: 'DESIGN.md, Layout: "the escalation service reaches channels only through that interface" (no adapter, no platform SDK).',
      severity: 'error',
      from: { path: '^src/escalation/' },
      to: { path: [ADAPTERS, PLATFORM_SDKS] },
    },
    {
      name: 'nlu-is-pure',
      comment:
        'DESIGN.md, Layout: "the NLU is pure (text in, decision out: no database, no channel)"; Layers: "brain (src/nlu, pure)". ' +
        'Of the project it uses the contracts, configuration and safety only: no database, tickets, dialogue, logger, core pipeline or runtime ' +
        '(adapters and SDKs: see the core rules).',
      severity: 'error',
      from: { path: '^src/nlu/' },
      to: { path: [...DATABASE, '^src/'], pathNot: PURE },
    },
    {
      name: 'adapters-never-call-the-database',
      comment: 'DESIGN.md, Layout: "adapters call the core and never the database".',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: DATABASE },
    },
    {
      name: 'adapters-never-reach-ticket-internals',
      comment: 'Issue 14: "adapters never reach into the database or the ticket internals"; what a desk needs of tickets comes through the core\'s public index.',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: '^src/escalation/' },
    },
    {
      name: 'adapters-use-the-core-public-index-only',
      comment: 'DESIGN.md, Layers: "adapters use the core\'s public index only" (src/core/index.ts and the contracts it re-exports).',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: '^src/', pathNot: [CORE_PUBLIC_INDEX, '^src/db/', '^src/escalation/'] },
    },
    {
      name: 'contracts-import-nothing-of-the-project',
      comment: 'DESIGN.md, Layers: "contracts (types, intent policy, payload codec, desk events, views, errors; imports nothing of the project)".',
      severity: 'error',
      from: { path: CONTRACTS },
      to: { path: '^(src|adapters)/', pathNot: CONTRACTS },
    },
    {
      name: 'nothing-imports-a-layer-above-it-foundation',
      comment:
        'DESIGN.md, Layers: "Nothing imports a layer above it": config, safety, the stores and the logger never import dialogue, tickets, ' +
        'the core pipeline or the runtime (the brain: see nlu-is-pure; adapters: see core-never-imports-an-adapter).',
      severity: 'error',
      from: { path: FOUNDATION, pathNot: '^src/nlu/' },
      to: { path: '^src/', pathNot: [CONTRACTS, FOUNDATION] },
    },
    {
      name: 'nothing-imports-a-layer-above-it-dialogue-and-tickets',
      comment: 'DESIGN.md, Layers: "Nothing imports a layer above it": dialogue and tickets never import the core pipeline, the desk presenter or the runtime.',
      severity: 'error',
      from: { path: DIALOGUE_AND_TICKETS },
      to: { path: '^src/', pathNot: BELOW_CORE_PIPELINE },
    },
    {
      name: 'nothing-imports-a-layer-above-it-core-pipeline',
      comment: 'DESIGN.md, Layers: "Nothing imports a layer above it": the core pipeline never imports the runtime (main, CLI).',
      severity: 'error',
      from: { path: '^src/', pathNot: [...BELOW_CORE_PIPELINE, RUNTIME] },
      to: { path: RUNTIME },
    },
    {
      name: 'no-two-modules-import-each-other',
      comment: 'DESIGN.md, Layers: "no two modules import each other": no import cycle, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // The application and its channels; tests may import anything they test.
    includeOnly: ['^src/', '^adapters/', '(^|/)node_modules/'],
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^adapters/web/public/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // `import type` counts: a type-only import still ties two modules together.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
