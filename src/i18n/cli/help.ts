// The command line's help, in both languages: what each command and option is for, the comments of the examples,
// commander's own words (the help's headings, its errors) and the refusals of the option parsers. Loaded at every start
// of the CLI (src/cli.ts writes its help in the reader's language), so it holds only that: the texts of a command's
// run are in reports.ts, loaded when the command runs.
import { defineMessages } from '../define.js';

/** Option and argument texts shared by several commands. */
const shared = defineMessages({
  'opt.dataDir': { zh: '服务的数据文件夹（默认：EXPERT_DRAW_DATA_DIR 或 ./data）', en: 'the service\'s data folder (default: EXPERT_DRAW_DATA_DIR or ./data)' },
  'opt.keysDir': { zh: '服务的密钥文件夹（默认：EXPERT_DRAW_KEYS_DIR 或 ./keys）', en: 'the service\'s keys folder (default: EXPERT_DRAW_KEYS_DIR or ./keys)' },
  'opt.keysDirVerifier': { zh: '存放 {file} 的文件夹（默认：EXPERT_DRAW_KEYS_DIR 或 ./keys）', en: 'folder holding {file} (default: EXPERT_DRAW_KEYS_DIR or ./keys)' },
  'opt.verifierKey': { zh: '日志验证公钥（名称+编号+密钥），或存放它的文件（log-signer.vkey）', en: 'the log verifier key (name+id+key), or a file holding it (log-signer.vkey)' },
  'opt.verifierKeyInstead': { zh: '日志验证公钥（名称+编号+密钥），或存放它的文件（{file}），代替密钥文件夹', en: 'the log verifier key (name+id+key), or a file holding it ({file}), instead of the keys folder' },
  'opt.origin': { zh: '检查点来源（origin，默认：EXPERT_DRAW_LOG_ORIGIN）', en: 'checkpoint origin (default: EXPERT_DRAW_LOG_ORIGIN)' },
  'opt.originOfKey': { zh: '检查点来源（origin，默认：验证公钥的名称）', en: 'checkpoint origin (default: the verifier key’s name)' },
  'opt.quiet': { zh: '不显示进度条', en: 'no progress bar' },
  'opt.json': { zh: '以 JSON 输出', en: 'print it as JSON' },
  'opt.jobs': {
    zh: '同时核验的证明包数上限：本线程，以及剩余证明包足够多、值得启动时的 n - 1 个工作线程；不超过可用的处理器核数（默认值；1：仅本线程）',
    en: 'bundles verified at once, at most: this thread, and n - 1 worker threads when enough bundles are left to be worth starting them; never more than the cores available (the default; 1: this thread alone)',
  },
  'opt.role': { zh: '以下之一：{roles}', en: 'one of: {roles}' },
  'arg.bundles': { zh: '证明包（GET /v1/draws/<id>/proof），或存放证明包的文件夹（其中的 .json 文件，按文件名顺序）', en: 'proof bundles (GET /v1/draws/<id>/proof), or folders of them (their .json files, in name order)' },
});

/** The program, and what commander itself says. */
const program = defineMessages({
  program: { zh: '可审计、密封的评标专家随机抽取', en: 'Auditable, sealed random draws of bid-evaluation experts' },
  version: { zh: 'expert-draw 的版本号', en: 'the version of expert-draw' },
  lang: { zh: '文字的语言：zh-CN 或 en（默认：终端的 LANG，zh… 为中文，否则为英文）', en: 'the language of the texts: zh-CN or en (default: the shell’s LANG: zh… is Chinese, else English)' },
  help: { zh: '显示命令的帮助', en: 'display help for command' },
  'example.help': { zh: '一个命令的选项和示例', en: 'a command\'s options and examples' },
  'example.helpOf': { zh: '{command} 的选项和示例', en: 'the options and examples of {command}' },
  'title.examples': { zh: '示例：', en: 'Examples:' },
  'title.usage': { zh: '用法：', en: 'Usage:' },
  'title.options': { zh: '选项：', en: 'Options:' },
  'title.globalOptions': { zh: '全局选项：', en: 'Global Options:' },
  'title.commands': { zh: '命令：', en: 'Commands:' },
  'title.arguments': { zh: '参数：', en: 'Arguments:' },
  default: { zh: '（默认：{value}）', en: '(default: {value})' },
  afterError: { zh: '（加 --help 查看用法和示例）', en: '(add --help for usage and examples)' },
  'error.line': { zh: '错误：{message}', en: 'error: {message}' },
  'error.unknownOption': { zh: '未知选项 {option}', en: 'unknown option \'{option}\'' },
  'error.unknownCommand': { zh: '未知命令 {command}', en: 'unknown command \'{command}\'' },
  'error.didYouMean': { zh: '（是否是指 {name}？）', en: '(Did you mean {name}?)' },
  'error.missingArgument': { zh: '缺少必需的参数 {argument}', en: 'missing required argument \'{argument}\'' },
  'error.optionArgumentMissing': { zh: '选项 {option} 缺少取值', en: 'option \'{option}\' argument missing' },
  'error.requiredOption': { zh: '未给出必需的选项 {option}', en: 'required option \'{option}\' not specified' },
  'error.tooManyArguments': { zh: '{command} 的参数过多：应有 {expected} 个，实际 {received} 个', en: 'too many arguments for \'{command}\': {expected} expected, {received} given' },
  'error.invalidOption': { zh: '选项 {option} 的取值“{value}”无效：{reason}', en: 'option \'{option}\' argument \'{value}\' is invalid. {reason}' },
  'error.invalidArgument': { zh: '参数 {argument} 的取值“{value}”无效：{reason}', en: 'command-argument value \'{value}\' is invalid for argument \'{argument}\'. {reason}' },
  'parse.lang': { zh: '应为 zh-CN 或 en', en: 'expected zh-CN or en' },
  'parse.positiveInt': { zh: '应为正整数', en: 'expected a positive whole number' },
  'parse.days': { zh: '应为正整数天数', en: 'expected a positive whole number of days' },
  'parse.specialty': { zh: '不是专业代码：{code}', en: 'not a specialty code: {code}' },
  'parse.siteId': { zh: '远程评标场地编号为 1–64 个字母、数字、“.”、“_”或“-”，以字母或数字开头', en: 'a site id is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit' },
  'parse.role': { zh: '未知角色；请用以下之一：{roles}', en: 'unknown role; use one of {roles}' },
  'parse.ttl': { zh: '应为时长，如 30m、8h 或 1d', en: 'expected a duration like 30m, 8h or 1d' },
  'parse.jobs': { zh: '请给出同时核验的证明包数，1 或更多（1：在本线程内，不用工作线程）', en: 'give a whole number of bundles to verify at once, 1 or more (1: in this thread, no workers)' },
  'parse.nonce': { zh: '--nonce 必须是 64 个小写十六进制数字', en: '--nonce must be 64 lower-case hex digits' },
});

const demo = defineMessages({
  demo: { zh: '在合成专家库上完整运行一次抽取，并打印协议的每一步', en: 'run one complete draw on a synthetic pool and print each protocol step' },
  'demo.size': { zh: '合成专家库的专家人数', en: 'experts in the synthetic pool' },
  'demo.seed': { zh: '合成专家库的种子', en: 'seed of the synthetic pool' },
  'demo.specialties': { zh: '以逗号分隔的专业代码，每个一组', en: 'comma-separated specialty codes, one group each' },
  'demo.count': { zh: '每组抽取的专家人数', en: 'experts selected per group' },
  'demo.nonce': { zh: '固定的 32 字节服务随机数（十六进制），使运行可重现', en: 'fixed 32-byte nonce (hex) for a reproducible run' },
  'demo.log': { zh: '将抽取记入所配置存储的审计日志（种子产生之前承诺已持久保存）', en: 'commit the draw to the configured store\'s audit log (commit durable before the seed exists)' },
  'demo.example.nonce': { zh: '使用同一服务随机数，每次抽取结果相同', en: 'the same draw each time with that nonce' },
  'demo.example.log': { zh: '记入 ./data 的审计日志', en: 'commit it to ./data\'s audit log' },
  pool: { zh: '专家库工具', en: 'expert pool tools' },
  'pool.generate': { zh: '以 JSON Lines 写出合成专家库，每行一名专家（由 --seed 确定）', en: 'write a synthetic pool as JSON lines, one expert per line (deterministic from --seed)' },
  'pool.size': { zh: '专家人数', en: 'number of experts' },
  'pool.seed': { zh: '生成种子：决定专业、工作单位、地区和状态（不决定编号和个人信息）', en: 'generator seed: specialties, employers, regions, statuses (not the ids or the people)' },
  'pool.first': { zh: '第一名专家的序号：编号（E…）和个人信息从它开始，因此第二个文件可以追加专家', en: 'number of the first expert: ids (E…) and personal data run from it, so a second file adds experts' },
  'pool.out': { zh: '输出文件（默认：标准输出）', en: 'output file (default: standard output)' },
  'pool.withPersonal': { zh: '加入合成的个人信息（姓名、电话、有效的居民身份证号码），如导入所需', en: 'add synthetic personal data (name, phone, valid ID number), as the import expects' },
  'pool.example.import': { zh: '用于 POST /v1/experts/import', en: 'for POST /v1/experts/import' },
  'pool.example.more': { zh: '再加 500 名，从 E0002001 起', en: '500 more, E0002001 on' },
});

const keys = defineMessages({
  keys: { zh: '实例密钥', en: 'instance keys' },
  'keys.generate': { zh: '生成日志签名密钥、JWT 签名密钥和密封密钥对（不覆盖已有文件）', en: 'create the log signing key, JWT signing key and sealing key pair (refuses to overwrite)' },
  'keys.dir': { zh: '密钥文件夹（默认：EXPERT_DRAW_KEYS_DIR 或 ./keys）', en: 'keys folder (default: EXPERT_DRAW_KEYS_DIR or ./keys)' },
  'keys.origin': { zh: '日志来源（origin），即日志签名密钥的名称（默认：EXPERT_DRAW_LOG_ORIGIN）', en: 'log origin, the log signer key name (default: EXPERT_DRAW_LOG_ORIGIN)' },
  exchange: { zh: '与其他交易中心交换记录所用的密钥（docs/exchange.md）', en: 'keys for the exchange of records with other centres (docs/exchange.md)' },
  'exchange.keygen': { zh: '打印新的交换签名密钥（须保密）及其验证公钥（交给其他交易中心）', en: 'print a new exchange signer key (keep it secret) and its verifier key (give it to the other centres)' },
  'exchange.name': { zh: '其他交易中心看到的签发者名称，例如本中心的域名', en: 'the issuer name other centres will see, e.g. the centre\'s domain' },
});

const ca = defineMessages({
  ca: { zh: '交易中心为远程评标场地设立的证书颁发机构（CA）', en: 'the centre\'s certificate authority for remote evaluation sites' },
  'ca.init': { zh: '创建场地 CA：自签名证书（ca.pem）及其私钥（ca.key.pem）；不覆盖已有文件', en: 'create the site CA: a self-signed certificate (ca.pem) and its private key (ca.key.pem); refuses to overwrite' },
  'ca.dir': { zh: '存放 CA 文件的文件夹', en: 'folder for the CA files' },
  'ca.name': { zh: 'CA 的通用名称，如“<交易中心> Site CA”', en: 'CA common name, e.g. "<centre> Site CA"' },
  'ca.days': { zh: '有效期（天）', en: 'validity in days' },
  'ca.issueSite': { zh: '签发由场地 CA 签名的场地证书和密钥对（site-cert.pem、site-key.pem）；不覆盖已有文件', en: 'issue a site certificate and key pair (site-cert.pem, site-key.pem) signed by the site CA; refuses to overwrite' },
  'ca.site': { zh: '远程评标场地编号（证书主体 CN）', en: 'site id (subject CN)' },
  'ca.siteName': { zh: '远程评标场地名称（证书主体 O）', en: 'site name (subject O)' },
  'ca.caDir': { zh: 'CA 文件所在的文件夹', en: 'folder of the CA files' },
  'ca.out': { zh: '输出文件夹（默认：./site-<编号>）', en: 'output folder (default: ./site-<id>)' },
  'ca.example.issue': { zh: '写出 site-S1/site-cert.pem 和 site-key.pem', en: 'writes site-S1/site-cert.pem and site-key.pem' },
  open: { zh: '用场地私钥离线打开密封结果文件：与交易中心日志签名的 draw.result 条目核对，并打印排序后的专家', en: 'open a sealed result file offline with the site key: checks it against the draw.result entry the centre\'s log signed, and prints the ranked experts' },
  'open.key': { zh: '远程评标场地的私钥（site-key.pem）', en: 'the site\'s private key (site-key.pem)' },
  'open.verifierKey': { zh: '交易中心的日志验证公钥（log-signer.vkey，由交易中心交给场地）：文件必须与其所带的、已记入日志的 draw.result 条目一致', en: 'the centre\'s log verifier key (log-signer.vkey, given to the site by the centre): the file must match the logged draw.result entry it carries' },
  'open.unchecked': { zh: '不经日志核对而打开（会打印警告；不要按这样的名单安排任何人入席）', en: 'open without the log check (a warning is printed; seat nobody from such a list)' },
  'open.json': { zh: '以 JSON 打印打开的内容', en: 'print the opened content as JSON' },
  'open.file': { zh: '从服务下载的密封结果文件', en: 'the sealed result file downloaded from the service' },
});

const log = defineMessages({
  log: { zh: '审计日志工具', en: 'audit log tools' },
  'log.verify': { zh: '重新核验整个日志：哈希链、树、每个检查点的签名、检查点之间的一致性', en: 're-verify the whole log: hash chain, tree, every checkpoint signature, consistency between checkpoints' },
  'log.dataDir': { zh: 'SQLite 数据文件夹（默认：EXPERT_DRAW_DATA_DIR 或 ./data）', en: 'SQLite data folder (default: EXPERT_DRAW_DATA_DIR or ./data)' },
  'log.redis': { zh: '核验此 Redis 中的日志（EXPERT_DRAW_STORE=redis 时默认：所配置的 Redis）', en: 'verify the log in this Redis (default when EXPERT_DRAW_STORE=redis: the configured Redis)' },
  'log.redisPrefix': { zh: 'Redis 键前缀（默认：EXPERT_DRAW_REDIS_PREFIX 或 expert-draw:）', en: 'Redis key prefix (default: EXPERT_DRAW_REDIS_PREFIX or expert-draw:)' },
  'log.example.here': { zh: '在服务的文件夹中：./data 和 ./keys', en: 'in the service\'s folder: ./data and ./keys' },
  'log.archiveMarker': {
    zh: '让本实例在日志落后于其签名之树的存储上启动（从较旧备份恢复的存储，或有意开始的新日志）：归档其日志标记；下次启动时记入日志',
    en: 'let this instance start on a store whose log is behind the tree it signed (a store restored from an older backup, or a new log on purpose): archives its log marker; the next start records it in the log',
  },
  'log.archiveMarker.reason': { zh: '原因（保存在归档的标记中，并在下次启动时写入日志条目）', en: 'why (kept in the archived marker and in the log entry at the next start)' },
  'log.archiveMarker.dataDir': { zh: '实例的数据文件夹，即其标记所在处（默认：EXPERT_DRAW_DATA_DIR 或 ./data）', en: 'the instance\'s data folder, where its marker is (default: EXPERT_DRAW_DATA_DIR or ./data)' },
  'log.watch': { zh: '保存日志发布的每个检查点，并证明每个新检查点与已保存的一致；发现分叉时报告两个签名文本并以 1 退出', en: 'keep every checkpoint the log publishes and prove each new one consistent with the kept ones; a fork is reported with both notes and exits 1' },
  'log.url': { zh: '服务地址，例如 https://draw.example-centre.gov.cn', en: 'the service, e.g. https://draw.example-centre.gov.cn' },
  'log.keep': { zh: '保存检查点的文件夹（每个一个 <size>.note，另有 <size>.json：取得时间和自前一个保存检查点起的证明；分叉放在 forks/ 下）', en: 'folder of kept checkpoints (one <size>.note each, with <size>.json: when it was fetched and the proof from the one kept before; forks under forks/)' },
  'log.token': { zh: '核查人员或监督人员的访问令牌（默认：EXPERT_DRAW_TOKEN）', en: 'an inspector’s or supervisor’s access token (default: EXPERT_DRAW_TOKEN)' },
  'log.once': { zh: '只运行一轮后退出：0 已保存或无变化，1 分叉，2 无法判定', en: 'one pass, then exit: 0 kept or unchanged, 1 fork, 2 could not decide' },
  'log.interval': { zh: '两轮之间的秒数', en: 'seconds between passes' },
});

const inspector = defineMessages({
  fairness: { zh: '在已公开抽取的证明包（逐一先核验）中，找出抽中次数超出随机所允许范围的专家', en: 'flag experts drawn more often than chance allows, over disclosed draws’ proof bundles (each verified first)' },
  'fairness.alpha': { zh: '全体合计阈值：诚实的抽取历史中有任何专家被标为异常的概率', en: 'family-wise threshold: the chance that an honest history flags anybody at all' },
  'fairness.svg': { zh: '将图表（每名专家的期望与实际抽中次数）写成 SVG', en: 'write the chart (expected against actual selections per expert) as SVG' },
  'fairness.top': { zh: '列出的专家人数，最出乎意料的在前', en: 'experts to list, most surprising first' },
  'fairness.json': { zh: '以 JSON 打印完整报告', en: 'print the whole report as JSON' },
  'fairness.example.chart': { zh: '图表的文字为中文，除非加 --lang en', en: 'the chart’s words are Chinese unless --lang en' },
  proof: { zh: '供核查人员使用的抽取证明工具', en: 'draw proof tools for inspectors' },
  'proof.verify': { zh: '离线核验已公开抽取的证明包：条目、包含证明、检查点、承诺与公开、种子、排名、结果承诺', en: 'verify disclosed draws’ proof bundles offline: entries, inclusion, checkpoints, commit ↔ reveal, seed, ranking, commitment' },
  'proof.beaconChain': { zh: '除 quicknet 和默认链外还信任的 drand 链：其 /info JSON（可重复）', en: 'a drand chain to trust besides quicknet and the default chain: its /info JSON (repeatable)' },
  'proof.json': { zh: '以 JSON 打印报告（多个证明包时：每个一项，含 file 和 report，或 file 和 error）', en: 'print the report as JSON (for several bundles: a list of objects, file and report, or file and error)' },
  'proof.kept': { zh: '您保存的检查点（expert-draw log watch --keep）：证明包的检查点必须与之属于同一历史', en: 'checkpoints you kept (expert-draw log watch --keep): the bundle’s must be one history with them' },
  'proof.url': { zh: '与 --kept 一起使用：其日志接口提供证明包检查点与已保存检查点之间一致性证明的服务（证明包的检查点已保存时不需要）', en: 'with --kept: the service whose log API gives the consistency proofs between the bundle’s checkpoint and the kept ones (not needed when the bundle’s checkpoint is kept)' },
  'proof.token': { zh: '与 --url 一起使用：核查人员或监督人员的访问令牌（默认：EXPERT_DRAW_TOKEN）', en: 'with --url: an inspector’s or supervisor’s access token (default: EXPERT_DRAW_TOKEN)' },
  'proof.quiet': { zh: '核验多个证明包时不显示进度条', en: 'no progress bar when verifying several bundles' },
  'proof.example.english': { zh: '英文报告', en: 'the report in English' },
  'proof.example.folder': { zh: '文件夹中的每个证明包，最多同时四个（不超过处理器核数）', en: 'every bundle in the folder, up to four at a time (no more than the cores)' },
});

const accounts = defineMessages({
  token: { zh: '访问令牌', en: 'access tokens' },
  'token.issue': { zh: '为某一角色打印签名的访问令牌；持有者在其到期前可调用该角色的接口', en: 'print a signed token for a role; its holder may call the routes of that role until it expires' },
  'token.site': { zh: '令牌所属的远程评标场地：场地令牌必须给出，签到令牌（场地的签到终端）可以给出，其他角色不得给出', en: 'site the token is scoped to: required for site tokens, allowed for checkin (the site\'s desk), refused for every other role' },
  'token.subject': { zh: '令牌持有者', en: 'who holds the token' },
  'token.ttl': { zh: '有效期，例如 15m、8h', en: 'lifetime, e.g. 15m, 8h' },
  'token.example.checkin': { zh: '签到终端', en: 'a check-in terminal' },
  'token.example.site': { zh: '远程评标场地的系统', en: 'a remote site\'s system' },
  users: { zh: '工作人员账号（第一位系统管理员；其余账号通过接口管理）', en: 'staff accounts (the first administrator; the API manages the rest)' },
  'users.add': { zh: '在所配置的存储中创建账号；用户首次登录时必须修改初始密码', en: 'create an account on the configured store; the user must change the first password at the first login' },
  'users.username': { zh: '用户名：a–z、0–9、.、_ 或 -，3–64 个字符', en: 'login name: a–z, 0–9, ., _ or -, 3–64 characters' },
  'users.name': { zh: '同事们称呼该用户的姓名', en: 'the name colleagues know the user by' },
  'users.site': { zh: '已登记的远程评标场地，用于场地用户和场地的签到终端', en: 'a registered site, for site users and a site\'s check-in desk' },
  'users.generate': { zh: '生成初始密码，并只在标准输出上打印它一次', en: 'generate the first password and print it (only it) on standard output, once' },
  'users.example.ask': { zh: '询问初始密码', en: 'asks for the first password' },
});

const backup = defineMessages({
  backup: { zh: '将 SQLite 存储（服务运行时也保持一致）和公钥复制到一个空文件夹', en: 'copy the SQLite store (consistent, while the service runs) and the public keys into an empty folder' },
  'backup.out': { zh: '存放备份的空文件夹', en: 'an empty folder for the backup' },
  'backup.withPrivateKeys': { zh: '同时复制私钥文件（请像保管密钥一样保管这样的备份）', en: 'copy the private key files too (keep such a backup as you keep the keys)' },
  restore: { zh: '核验备份（用日志密钥核验整个日志，并核对您保存的检查点），再复制到一个空的数据文件夹', en: 'check a backup (the whole log against the log key, and a checkpoint you kept) and copy it into an empty data folder' },
  'restore.from': { zh: '备份文件夹', en: 'the backup folder' },
  'restore.dataDir': { zh: '恢复到的空数据文件夹（默认：EXPERT_DRAW_DATA_DIR 或 ./data）', en: 'an empty data folder to restore into (default: EXPERT_DRAW_DATA_DIR or ./data)' },
  'restore.checkpoint': { zh: '您与备份分开保存的签名检查点（例如之后某次备份的 checkpoint.txt，或证明包中的检查点）：备份必须包含其树', en: 'a signed checkpoint you kept apart from the backups (e.g. the checkpoint.txt of a later backup, or one from a proof bundle): the backup must hold its tree' },
  'restore.replaceHistory': { zh: '恢复另一份历史的备份（其树与本实例日志标记所记的树不同）：所标记的历史被取代，标记归档并在下次启动时记入日志；不加此选项则拒绝这样的备份', en: 'restore a backup of another history (its tree is not the one the instance’s log marker holds): the marked history is replaced, the marker archived and recorded in the log at the next start; without it such a backup is refused' },
  'restore.acceptUnsigned': { zh: '恢复在备份开始签名数据库之前做的备份，其记录（专家库、项目、名册、账号）只能信任；不加此选项则拒绝这样的备份', en: 'restore a backup taken before backups signed their database, its records (pool, projects, rosters, accounts) on trust; without it such a backup is refused' },
});

/** Every text of the CLI's help. */
export const CLI_HELP = { ...shared, ...program, ...demo, ...keys, ...ca, ...log, ...inspector, ...accounts, ...backup } as const;
