// Word lists the checks rely on. Kept as plain data so a reviewer can read what
// the engine treats as negation, modality, scope or an opposite.

export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or but if then else of to in on at by for with from as into onto over under about " +
    "this that these those it its it's itself they them their theirs he him his she her hers we us our ours " +
    "you your yours i me my mine who whom whose which what when where why how there here " +
    "is are was were be been being am do does did doing done have has had having " +
    "will would shall should can could may might must " +
    "so than too very just also even still yet such both either neither each every any all some " +
    "not no nor never n't don't doesn't didn't isn't aren't wasn't weren't won't can't cannot couldn't " +
    "shouldn't wouldn't hasn't haven't hadn't " +
    "up down out off again further once only own same other another more most less least few many much " +
    "s t 's et al etc via per whether while within without upon across after before during between through " +
    "because since until unless although though however thus therefore including include includes included " +
    "e.g. i.e. a.m. p.m. etc. vs."
  ).split(" "),
);

// Reporting and framing vocabulary of summaries and answers: words that describe
// the text rather than state a checkable fact, so their absence from a source
// is weak evidence.
export const FRAMING_WORDS: ReadonlySet<string> = new Set(
  (
    "discuss discussed discussion discussions talk talked mention mentioned mentions note noted notes " +
    "highlight highlighted highlights explain explained explains describe described describes " +
    "emphasize emphasized emphasizes stress stressed express expressed expresses " +
    "state stated states say said says report reported reports announce announced " +
    "propose proposed proposes present presented presents introduce introduced introduces " +
    "suggest suggested suggests agree agreed agrees decide decided decides conclude concluded " +
    "consider considered considers address addressed addresses outline outlined outlines " +
    "provide provided provides offer offered offers share shared shares " +
    "overall various several also additionally furthermore moreover summary paper study work " +
    "group team meeting participants speakers speaker members conversation call email " +
    "approach method show showed shows shown demonstrate demonstrated demonstrates " +
    "indicate indicated indicates reveal revealed reveals focus focused focuses aim aims aimed " +
    "regarding related relating concerning potential possible possibly well new way ways " +
    "ensure make makes made use used uses using get gets got give gives gave take takes took " +
    "thing things something issue issues topic topics aspect aspects idea ideas point points " +
    "ask asks asked inquire inquires inquired enquire enquires query queries explain explains " +
    "clarify clarifies clarified respond responds responded reply replies replied answer answered " +
    "mention mentions recommend recommends inform informs informed tell tells told " +
    "contact contacts contacted reach reached follow following followed " +
    "representative agent salesperson customer client prospect prospective individual " +
    "interest interested intrigued curious keen eager express concern concerns " +
    "ensure ensures guarantee guarantees assure assures promise promises " +
    "determine determines compare compares contrast review reviews assess assesses " +
    "detail details detailed specific specifically particular various different multiple range " +
    "look looking forward regard regards emphasis overview information context background " +
    "include includes featuring feature features involve involves involved " +
    "certain particular current currently previous previously necessary significant significantly " +
    "finally ultimately eventually overall generally especially particularly notably mainly " +
    "thought think thinks believe believed believes feel felt feels opinion opinions view views " +
    "perception impression sense whether others other case fact"
  ).split(" "),
);

// Words whose presence flips a clause's polarity.
export const NEGATORS: ReadonlySet<string> = new Set([
  "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot",
  "n't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "can't",
  "couldn't", "shouldn't", "wouldn't", "hasn't", "haven't", "hadn't", "mustn't", "lacks", "lack",
  "lacked", "fail", "fails", "failed", "unable",
]);

// Negator + next word sequences that bound a value or add emphasis instead of
// negating the clause ("not only … but also", "no later than 30 days").
export const NON_NEGATING_PHRASES: ReadonlyArray<readonly [string, string]> = [
  ["not", "only"], ["not", "just"], ["not", "merely"], ["no", "later"], ["no", "more"],
  ["no", "less"], ["no", "fewer"], ["not", "exceed"], ["not", "exceeding"], ["not", "later"],
  ["not", "more"], ["not", "less"], ["no", "sooner"], ["no", "earlier"],
  // "at no cost" and friends mean "free", which a positive paraphrase states.
  ["no", "cost"], ["no", "charge"], ["no", "obligation"], ["no", "extra"], ["no", "additional"],
];

export type Modality = "permission" | "obligation" | "recommendation" | "certainty" | "possibility";

export const MODAL_WORDS: ReadonlyMap<string, Modality> = new Map<string, Modality>([
  ["can", "permission"], ["may", "permission"], ["allowed", "permission"], ["permitted", "permission"],
  ["eligible", "permission"], ["entitled", "permission"], ["able", "permission"], ["allow", "permission"],
  ["allows", "permission"], ["optional", "permission"],
  ["must", "obligation"], ["required", "obligation"], ["require", "obligation"], ["requires", "obligation"],
  ["shall", "obligation"], ["mandatory", "obligation"], ["obligated", "obligation"],
  ["should", "recommendation"], ["recommended", "recommendation"], ["recommend", "recommendation"],
  ["recommends", "recommendation"], ["advised", "recommendation"], ["encouraged", "recommendation"],
  ["will", "certainty"], ["always", "certainty"], ["guaranteed", "certainty"], ["guarantee", "certainty"],
  ["guarantees", "certainty"], ["definitely", "certainty"], ["certainly", "certainty"],
  ["might", "possibility"], ["could", "possibility"], ["possibly", "possibility"], ["perhaps", "possibility"],
  ["likely", "possibility"], ["potentially", "possibility"],
]);

// Universal scope words: a claim using one asserts more than a source that
// names particular cases.
export const UNIVERSAL_QUANTIFIERS: ReadonlySet<string> = new Set([
  "all", "any", "every", "each", "always", "everyone", "everybody", "everything", "anyone", "anything",
  "entire", "whole", "only", "exclusively", "solely", "unlimited",
]);
export const LIMITING_QUANTIFIERS: ReadonlySet<string> = new Set([
  "some", "certain", "most", "many", "several", "few", "select", "selected", "eligible", "qualifying",
  "specific", "particular", "limited", "except", "excluding", "unless", "sometimes", "often", "usually",
]);

// Pairs of opposites. Matching is on stems, so inflections are covered.
const ANTONYM_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["increase", "decrease"], ["increase", "reduce"], ["increase", "decline"], ["increase", "drop"],
  ["rise", "fall"], ["rise", "decline"], ["grow", "shrink"], ["growth", "decline"], ["gain", "loss"],
  ["profit", "loss"], ["higher", "lower"], ["high", "low"], ["up", "down"], ["more", "less"],
  ["more", "fewer"], ["larger", "smaller"], ["large", "small"], ["big", "small"], ["biggest", "smallest"],
  ["largest", "smallest"], ["highest", "lowest"], ["maximum", "minimum"], ["most", "least"],
  ["positive", "negative"], ["success", "failure"], ["successful", "unsuccessful"], ["accept", "reject"],
  ["agree", "disagree"], ["approve", "reject"], ["approve", "deny"], ["include", "exclude"],
  ["before", "after"], ["above", "below"], ["early", "late"], ["earlier", "later"], ["first", "last"],
  ["strong", "weak"], ["stronger", "weaker"], ["easy", "difficult"], ["easy", "hard"], ["cheap", "expensive"],
  ["inexpensive", "expensive"], ["possible", "impossible"], ["better", "worse"], ["best", "worst"],
  ["win", "lose"], ["won", "lost"], ["open", "close"], ["allow", "prohibit"], ["allow", "forbid"],
  ["like", "dislike"], ["support", "oppose"], ["same", "different"], ["internal", "external"],
  ["public", "private"], ["old", "new"], ["major", "minor"], ["long", "short"], ["longer", "shorter"],
  ["slow", "fast"], ["slower", "faster"], ["buy", "sell"], ["import", "export"], ["add", "remove"],
  ["true", "false"], ["right", "wrong"], ["satisfied", "dissatisfied"], ["interested", "uninterested"],
  ["legal", "illegal"], ["likely", "unlikely"], ["available", "unavailable"], ["able", "unable"],
  ["valid", "invalid"], ["complete", "incomplete"], ["correct", "incorrect"], ["efficient", "inefficient"],
  ["effective", "ineffective"], ["safe", "unsafe"], ["secure", "insecure"], ["happy", "unhappy"],
  ["optimistic", "pessimistic"], ["benefit", "harm"], ["advantage", "disadvantage"], ["strength", "weakness"],
  ["improve", "worsen"], ["improved", "deteriorated"], ["upgrade", "downgrade"], ["enable", "disable"],
  ["encourage", "discourage"], ["appear", "disappear"], ["attack", "defend"], ["arrive", "depart"],
  ["start", "finish"], ["begin", "end"], ["simple", "complex"], ["rich", "poor"], ["hot", "cold"],
  ["wet", "dry"], ["light", "heavy"], ["light", "dark"], ["young", "old"], ["male", "female"],
  ["men", "women"], ["man", "woman"], ["husband", "wife"], ["son", "daughter"], ["father", "mother"],
  ["brother", "sister"], ["north", "south"], ["east", "west"], ["left", "right"], ["inside", "outside"],
  ["input", "output"], ["minimal", "maximal"], ["underestimate", "overestimate"], ["surplus", "deficit"],
  ["expand", "contract"], ["hire", "fire"], ["hire", "lay"], ["raise", "lower"], ["raise", "cut"],
  ["love", "hate"], ["praise", "criticize"], ["confirm", "deny"], ["accurate", "inaccurate"],
  ["outperform", "underperform"], ["ahead", "behind"], ["upward", "downward"], ["overweight", "underweight"],
  ["earn", "lose"], ["gain", "lose"], ["profit", "lose"], ["win", "defeat"], ["victory", "defeat"],
  ["manual", "automated"], ["manual", "automatic"], ["general", "specific"], ["broad", "narrow"], ["wide", "narrow"],
  ["affordable", "expensive"], ["common", "rare"], ["frequent", "rare"], ["similar", "different"],
  ["present", "absent"], ["presence", "absence"], ["succeed", "fail"], ["pass", "fail"], ["winner", "loser"],
  ["friend", "enemy"], ["ally", "enemy"], ["top", "bottom"], ["upper", "lower"], ["junior", "senior"],
  ["novice", "expert"], ["beginner", "expert"], ["beginner", "advanced"], ["basic", "advanced"], ["young", "elderly"],
  ["asset", "liability"], ["credit", "debit"], ["borrow", "lend"], ["lender", "borrower"], ["buyer", "seller"],
  ["rural", "urban"], ["domestic", "foreign"], ["domestic", "international"], ["local", "global"],
  ["permanent", "temporary"], ["full", "partial"], ["full", "empty"], ["past", "future"], ["ancient", "modern"],
  ["online", "offline"], ["bullish", "bearish"], ["expansion", "contraction"], ["accelerate", "decelerate"],
  ["accelerate", "slow"], ["majority", "minority"], ["superior", "inferior"], ["guilty", "innocent"],
  ["convict", "acquit"], ["join", "leave"], ["enter", "exit"], ["arrive", "leave"], ["continue", "stop"],
  ["continue", "discontinue"], ["start", "stop"], ["strengthen", "weaken"], ["tighten", "loosen"], ["strict", "lenient"],
  ["allow", "prevent"], ["allow", "ban"], ["permit", "ban"], ["permit", "prohibit"], ["clear", "vague"],
  ["thick", "thin"], ["deep", "shallow"], ["near", "far"], ["cheaper", "costlier"], ["optimism", "pessimism"],
  ["direct", "indirect"], ["explicit", "implicit"], ["active", "passive"], ["active", "inactive"],
  ["sufficient", "insufficient"], ["adequate", "inadequate"], ["overvalue", "undervalue"], ["overpaid", "underpaid"],
  ["surge", "plunge"], ["soar", "plummet"], ["rally", "slump"], ["boom", "bust"], ["strong", "weakness"],
  ["inflow", "outflow"], ["inbound", "outbound"], ["incoming", "outgoing"], ["export", "import"],
];

export function buildAntonymIndex(stem: (word: string) => string): ReadonlyMap<string, ReadonlySet<string>> {
  const index = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    let set = index.get(a);
    if (!set) index.set(a, (set = new Set()));
    set.add(b);
  };
  for (const [left, right] of ANTONYM_PAIRS) {
    const a = stem(left);
    const b = stem(right);
    if (a === b) continue;
    link(a, b);
    link(b, a);
  }
  return index;
}

// Near-synonyms folded onto one canonical word before stemming, so a paraphrase
// ("purchase" for "buy") still counts as coverage. Only pairs that keep the
// truth value are listed.
export const SYNONYMS: ReadonlyMap<string, string> = new Map(
  (
    "purchase:buy purchased:buy purchases:buy bought:buy clients:customer client:customer customers:customer " +
    "users:user lower:reduce lowered:reduce lowering:reduce cut:reduce cuts:reduce trim:reduce trimmed:reduce " +
    "decrease:reduce decreased:reduce decreases:reduce reduction:reduce reductions:reduce decline:reduce declined:reduce " +
    "rose:increase rise:increase rises:increase risen:increase grew:increase grow:increase grows:increase growth:increase " +
    "boost:increase boosted:increase raised:increase raise:increase increased:increase increases:increase " +
    "large:big larger:bigger huge:big begin:start began:start begins:start commence:start commenced:start " +
    "finish:end finished:end ended:end assist:help assistance:help assisted:help aid:help " +
    "speech:voice employees:staff employee:staff workers:staff personnel:staff " +
    "firm:company corporation:company business:company enterprise:company " +
    "revenue:sales revenues:sales earnings:profit profits:profit income:profit " +
    "approx:about approximately:about roughly:about around:about nearly:about almost:about " +
    "quick:fast quickly:fast rapid:fast rapidly:fast swift:fast " +
    "obtain:get obtained:get receive:get received:get receives:get acquire:get acquired:get " +
    "request:ask requested:ask requests:ask asked:ask asks:ask " +
    "reimbursement:refund reimbursements:refund reimbursed:refund money-back:refund " +
    "car:vehicle cars:vehicle automobile:vehicle automobiles:vehicle " +
    "kids:children kid:children child:children " +
    "died:die death:die dead:die passed:die killed:kill killing:kill " +
    "film:movie films:movie movies:movie picture:movie " +
    "physician:doctor physicians:doctor doctors:doctor " +
    "shown:show showed:show demonstrates:show demonstrated:show demonstrate:show " +
    "utilize:use utilized:use utilizes:use employ:use employed:use " +
    "attempt:try attempted:try tried:try " +
    "cost:price costs:price prices:price priced:price costly:expensive pricey:expensive " +
    "nation:country nations:country countries:country " +
    "democratic:democrat republican:republican " +
    // Irregular past forms Porter leaves apart from their verb.
    "lost:lose won:win fell:fall fallen:fall sold:sell spent:spend paid:pay led:lead " +
    "began:start begun:start broke:break broken:break chose:choose chosen:choose wrote:write written:write " +
    "took:take taken:take gave:give given:give saw:see seen:see thought:think brought:bring " +
    "held:hold kept:keep met:meet rang:ring ran:run sent:send stood:stand told:tell understood:understand"
  )
    .split(" ")
    .map((pair) => pair.split(":") as [string, string]),
);

// Values of one kind where stating one excludes the others, so a swap is a
// contradiction rather than a missing word.
export const EXCLUSIVE_CLASSES: ReadonlyArray<ReadonlySet<string>> = [
  new Set([
    "american", "british", "english", "scottish", "irish", "welsh", "french", "german", "italian", "spanish",
    "portuguese", "dutch", "belgian", "swiss", "austrian", "swedish", "norwegian", "danish", "finnish",
    "polish", "russian", "ukrainian", "greek", "turkish", "chinese", "japanese", "korean", "indian",
    "pakistani", "australian", "canadian", "mexican", "brazilian", "argentine", "argentinian", "chilean",
    "colombian", "peruvian", "cuban", "egyptian", "nigerian", "kenyan", "israeli", "iranian", "iraqi",
    "saudi", "vietnamese", "thai", "indonesian", "filipino", "hungarian", "czech", "romanian", "serbian",
    "croatian", "bulgarian", "icelandic", "jamaican", "venezuelan",
  ]),
  new Set(["democrat", "democratic", "republican", "independent", "libertarian", "conservative", "labour", "liberal"]),
  new Set(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]),
  new Set(["red", "blue", "green", "yellow", "black", "white", "orange", "purple", "pink", "brown", "grey", "gray"]),
  new Set(["actor", "actress", "singer", "writer", "director", "producer", "politician", "journalist", "novelist", "poet", "painter", "composer", "footballer", "rapper"]),
  new Set(["novel", "film", "album", "song", "magazine", "newspaper", "opera", "poem"]),
];
