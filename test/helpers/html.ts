// Reads an HTML page the way a browser's parser would, with workerd's
// HTMLRewriter: every element with its attributes, the highlighted claims and
// the inline stylesheet. Only the output's marks are claims: source passages mark
// their quote too.

export interface PageElement {
  tag: string;
  attributes: [string, string][];
}

export interface PageMark {
  claimId: string | null;
  status: string | null;
  text: string;
}

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };
const decode = (text: string) => text.replace(/&(lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity]!);

export async function inspectPage(html: string) {
  const elements: PageElement[] = [];
  const marks: PageMark[] = [];
  let style = "";
  let outputText = "";
  await new HTMLRewriter()
    .on("*", { element: (element) => void elements.push({ tag: element.tagName, attributes: [...element.attributes] as [string, string][] }) })
    .on("#ai-output mark", {
      element: (element) =>
        void marks.push({ claimId: element.getAttribute("data-claim-id"), status: element.getAttribute("data-support-status"), text: "" }),
      text: (chunk) => void (marks.at(-1)!.text += chunk.text),
    })
    .on("#ai-output mark", { text: (chunk) => void (outputText += chunk.text) })
    .on("style", { text: (chunk) => void (style += chunk.text) })
    .transform(new Response(html))
    .text();
  for (const mark of marks) mark.text = decode(mark.text);
  return { elements, marks, style, markedText: decode(outputText) };
}

export async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}
